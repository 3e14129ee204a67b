package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every corpus sample through decode + preprocess, with the outcome the corpus demands. */
class ImageCorpusTests {

    private static final List<ImageCorpus.Sample> SAMPLES = ImageCorpus.samples();

    private final ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults());

    static Stream<ImageCorpus.Sample> samples() {
        return SAMPLES.stream();
    }

    @Test
    void corpusIsLargeVariedAndUniquelyNamed() {
        Set<String> names = new HashSet<>();
        SAMPLES.forEach(
                s -> assertThat(names.add(s.name())).as("duplicate " + s.name()).isTrue());
        assertThat(SAMPLES).hasSizeGreaterThanOrEqualTo(60);
        assertThat(SAMPLES.stream().filter(ImageCorpus.Sample::decodes).count()).isGreaterThanOrEqualTo(30);
        for (ImageRejectedException.Reason r : ImageRejectedException.Reason.values()) {
            assertThat(SAMPLES).as("a sample rejected as " + r).anyMatch(s -> s.expected() == r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decodesOrRejectsAsExpected(ImageCorpus.Sample sample) {
        if (sample.decodes()) {
            DecodedImage image = pipeline.decode(sample.bytes());
            assertThat(image.rgb()).hasSize(image.width() * image.height() * 3);
            float[] input = pipeline.preprocess(image, PreprocessSpec.inception(0.875));
            assertThat(input).hasSize(3 * 299 * 299);
            for (float v : input) {
                assertThat(v).isBetween(-1f, 1f);
            }
            float[] squashed = pipeline.preprocess(
                    image,
                    new PreprocessSpec(
                            299, 1.0, true, PreprocessSpec.INCEPTION_MEAN_STD, PreprocessSpec.INCEPTION_MEAN_STD));
            assertThat(squashed).hasSize(3 * 299 * 299);
        } else {
            ImageRejectedException e =
                    catchThrowableOfType(ImageRejectedException.class, () -> pipeline.decode(sample.bytes()));
            assertThat(e).as("%s must be rejected", sample.name()).isNotNull();
            assertThat(e.reason()).as(sample.name() + ": " + e.getMessage()).isEqualTo(sample.expected());
            assertThat(e.getMessage())
                    .as("client-safe message")
                    .doesNotContain("Exception", "java.", "/", "\\", "\n", "com.", "sun.", "IIO", "Corrupt JPEG");
        }
    }
}
