package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares {@link ImagePipeline} with the tensors timm's eval transform produced (Pillow 9.4, torchvision 0.14) for
 * the synthetic images in {@code reference.dir/preprocess}: every value within one uint8 level and a mean absolute
 * difference under a tenth of a level. The hard-edged blue channel makes a non-antialiased or differently rounded
 * resize fail both bounds.
 */
class PreprocessReferenceTests {

    private static final double LEVEL = 1 / 127.5;

    private final ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults());

    @TestFactory
    List<DynamicTest> matchesTimmEvalTransform() throws Exception {
        String ref = System.getProperty("reference.dir");
        Path dir = ref == null ? null : Path.of(ref, "preprocess");
        Assumptions.assumeTrue(
                dir != null && Files.isDirectory(dir),
                "reference fixture absent (system property reference.dir=" + ref + "); skipping the timm comparison");
        JsonNode fixture = JsonMapper.builder()
                .build()
                .readTree(dir.resolve("fixture_preprocess.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : fixture.get("cases")) {
            String name = c.get("source").asString() + " " + c.get("transform").asString();
            tests.add(DynamicTest.dynamicTest(name, () -> check(dir, c)));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(6);
        return tests;
    }

    private void check(Path dir, JsonNode c) throws Exception {
        boolean squash = c.get("squash").asBoolean();
        double cropPct = squash ? 1.0 : c.get("crop_pct").asDouble();
        PreprocessSpec spec = new PreprocessSpec(
                299, cropPct, squash, PreprocessSpec.INCEPTION_MEAN_STD, PreprocessSpec.INCEPTION_MEAN_STD);
        DecodedImage image =
                pipeline.decode(Files.readAllBytes(dir.resolve(c.get("source").asString())));
        float[] actual = pipeline.preprocess(image, spec);

        float[] expected = new float[3 * 299 * 299];
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve(c.get("expected_tensor").asString())))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(expected);
        assertThat(actual).hasSize(expected.length);

        double max = 0;
        double sum = 0;
        int exact = 0;
        int levelMismatches = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            max = Math.max(max, d);
            sum += d;
            if (actual[i] == expected[i]) {
                exact++;
            }
            if (Math.round(actual[i] * 127.5 + 127.5) != Math.round(expected[i] * 127.5 + 127.5)) {
                levelMismatches++;
            }
        }
        double mean = sum / expected.length;
        System.out.printf(
                "[reference] %s %s: max |diff| = %.3g (%.3f levels), mean |diff| = %.3g (%.5f levels),"
                        + " bit-identical %d/%d, uint8 levels differing %d%n",
                c.get("source").asString(),
                c.get("transform").asString(),
                max,
                max / LEVEL,
                mean,
                mean / LEVEL,
                exact,
                expected.length,
                levelMismatches);
        assertThat(max).as("max abs diff").isLessThanOrEqualTo(LEVEL + 1e-6);
        assertThat(mean).as("mean abs diff").isLessThan(0.1 * LEVEL);
        // stricter than the requirement, and what the fixed-point port achieves: the same uint8 value everywhere
        // (the remaining float differences are float64-vs-float32 rounding of the normalisation in the fixture)
        assertThat(levelMismatches).as("pixels off by a uint8 level").isZero();
        JsonNode samples = c.get("samples");
        for (var entry : samples.properties()) {
            String[] parts = entry.getKey().substring(1).split("_[yx]");
            int ch = Integer.parseInt(parts[0]);
            int y = Integer.parseInt(parts[1]);
            int x = Integer.parseInt(parts[2]);
            assertThat((double) actual[(ch * 299 + y) * 299 + x])
                    .as(entry.getKey())
                    .isCloseTo(entry.getValue().asDouble(), org.assertj.core.data.Offset.offset(LEVEL + 1e-6));
        }
    }
}
