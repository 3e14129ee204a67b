package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import dev.inceptionclassifier.support.TestImages;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The JPEG decoder choice is explicit (never a silent fallback), and TurboJPEG decodes what ImageIO decodes to the
 * same bytes: every JPEG of the image corpus (CMYK and YCCK included), and refuses the same damaged files.
 */
class JpegBackendTests {

    private static final Path MISSING = Path.of("/nonexistent/turbojpeg.jar");

    @Test
    void turboJpegAskedForButMissingFailsWithTheReason() {
        JpegDecoderUnavailableException e = catchThrowableOfType(
                JpegDecoderUnavailableException.class,
                () -> JpegBackend.select(JpegBackend.Choice.TURBOJPEG, MISSING, null));
        assertThat(e).hasMessageContaining("/nonexistent/turbojpeg.jar");
    }

    @Test
    void autoWithoutTurboJpegUsesImageIoAndSaysWhy() {
        JpegBackend backend = JpegBackend.select(JpegBackend.Choice.AUTO, MISSING, null);
        assertThat(backend.name()).isEqualTo("imageio");
        assertThat(backend.description()).contains("libjpeg-turbo not used", "/nonexistent/turbojpeg.jar");
        assertThat(JpegBackend.select(JpegBackend.Choice.IMAGEIO, null, null).name())
                .isEqualTo("imageio");
        assertThat(new ImagePipeline(ImageLimits.defaults()).jpegDecoder()).isEqualTo("imageio");
    }

    @Test
    void choicesParseInAnyCase() {
        assertThat(JpegBackend.Choice.parse(" TurboJPEG ")).isEqualTo(JpegBackend.Choice.TURBOJPEG);
        assertThat(JpegBackend.Choice.parse("auto")).isEqualTo(JpegBackend.Choice.AUTO);
        assertThatThrownBy(() -> JpegBackend.Choice.parse("libjpeg")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void autoPicksTurboJpegWhereInstalled() {
        JpegBackend backend = installed();
        assertThat(backend.name()).isEqualTo("turbojpeg");
        assertThat(backend.description()).contains("turbojpeg.jar", "libturbojpeg");
        assertThat(JpegBackend.select(JpegBackend.Choice.TURBOJPEG, null, null).name())
                .isEqualTo("turbojpeg");
    }

    @Test
    void turboJpegDecodesEveryCorpusJpegAsImageIoDoes() {
        ImagePipeline turbo = new ImagePipeline(ImageLimits.defaults(), installed(), DecodeMemoryBudget.unlimited());
        ImagePipeline imageIo = new ImagePipeline(ImageLimits.defaults());
        int compared = 0;
        for (ImageCorpus.Sample s : ImageCorpus.samples()) {
            if (ImageFormat.sniff(s.bytes()) != ImageFormat.JPEG) {
                continue;
            }
            if (s.decodes()) {
                DecodedImage a = turbo.decode(s.bytes());
                DecodedImage b = imageIo.decode(s.bytes());
                assertThat(a.width()).as(s.name()).isEqualTo(b.width());
                assertThat(a.height()).as(s.name()).isEqualTo(b.height());
                assertThat(Arrays.mismatch(a.rgb(), b.rgb()))
                        .as(s.name() + ": first differing byte")
                        .isEqualTo(-1);
                compared++;
            } else {
                ImageRejectedException e =
                        catchThrowableOfType(ImageRejectedException.class, () -> turbo.decode(s.bytes()));
                assertThat(e).as(s.name() + " must be rejected").isNotNull();
                assertThat(e.reason()).as(s.name()).isEqualTo(s.expected());
                assertThat(e.getMessage()).doesNotContain("Exception", "TJ", "tjDecompress", "Corrupt JPEG");
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(20);
    }

    @Test
    void turboJpegRefusesMutatedJpegsWithASafeMessageOrDecodesThem() {
        ImagePipeline turbo = new ImagePipeline(ImageLimits.defaults(), installed(), DecodeMemoryBudget.unlimited());
        byte[] jpeg = TestImages.jpeg(TestImages.pattern(200, 120));
        java.util.Random random = new java.util.Random(11);
        int rejected = 0;
        for (int round = 0; round < 200; round++) {
            byte[] b = jpeg.clone();
            for (int i = 0; i < 1 + random.nextInt(6); i++) {
                b[2 + random.nextInt(b.length - 2)] = (byte) random.nextInt(256);
            }
            try {
                turbo.prepare(b, PreprocessSpec.inception(0.875));
            } catch (ImageRejectedException e) {
                assertThat(e.reason())
                        .isIn(Reason.UNDECODABLE, Reason.TOO_LARGE, Reason.UNSUPPORTED_FORMAT, Reason.BUDGET_EXCEEDED);
                assertThat(e.getMessage()).doesNotContain("Exception", "java.", "\n", "TJ");
                rejected++;
            }
        }
        assertThat(rejected).isPositive();
    }

    private static JpegBackend installed() {
        JpegBackend backend = JpegBackend.select(JpegBackend.Choice.AUTO, null, null);
        Assumptions.assumeTrue(
                backend.turbo() != null,
                "libjpeg-turbo's Java binding is not installed (Debian: libturbojpeg-java libturbojpeg0): "
                        + backend.description());
        return backend;
    }
}
