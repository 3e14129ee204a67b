package dev.inceptionclassifier.api.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Triton's classification strings. The ranking example is the one in Triton's
 * {@code docs/protocol/extension_classification.md} (output {@code [1.1, 3.3, 0.5, 2.4]}, top 2 = indices 1 and 3);
 * the number format is what its server code does ({@code src/classification.cc}: {@code std::to_string(float)}, i.e.
 * C's {@code "%f"}), checked against Python's {@code "%f"}, which is also correctly rounded with ties to even.
 */
class TritonClassificationTests {

    @Test
    void thePublishedExampleRanksAsTritonDoes() {
        float[] output = {1.1f, 3.3f, 0.5f, 2.4f};
        // The docs print "3.3:1"; the server's std::to_string writes six decimals.
        assertThat(TritonClassification.topK(output, 0, 4, 2, null)).containsExactly("3.300000:1", "2.400000:3");
        List<String> labels = List.of("index_0_label", "index_1_label", "index_2_label", "index_3_label");
        assertThat(TritonClassification.topK(output, 0, 4, 2, labels))
                .containsExactly("3.300000:1:index_1_label", "2.400000:3:index_3_label");
    }

    @Test
    void aRowIsReadAtItsOffsetAndKIsCappedByTheRowLength() {
        float[] rows = {0.1f, 0.9f, 0.7f, 0.2f, 0.3f, 0.5f};
        assertThat(TritonClassification.topK(rows, 3, 3, 10, null))
                .containsExactly("0.500000:2", "0.300000:1", "0.200000:0");
    }

    @Test
    void tiesKeepTheLowerIndexFirst() {
        float[] output = {0.25f, 0.5f, 0.25f, 0.5f};
        assertThat(TritonClassification.topK(output, 0, 4, 4, null))
                .containsExactly("0.500000:1", "0.500000:3", "0.250000:0", "0.250000:2");
    }

    @Test
    void valuesFormatLikeCPrintfPercentF() throws Exception {
        List<Float> values = new ArrayList<>(List.of(
                0f,
                -0f,
                1f,
                3.3f,
                0.0078125f,
                0.0234375f,
                2.5e-7f,
                -2.5e-7f,
                -1e-9f,
                1e-6f,
                0.9999996f,
                123456.79f,
                -42.4242f,
                Float.MIN_VALUE,
                3.4028235e38f));
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            values.add(random.nextFloat());
            values.add((float) Math.exp(-20 * random.nextDouble()));
        }
        List<String> expected = pythonPercentF(values);
        for (int i = 0; i < values.size(); i++) {
            assertThat(TritonClassification.format(values.get(i)))
                    .as("%s", values.get(i))
                    .isEqualTo(expected.get(i));
        }
        // Exact ties at the sixth decimal round to even, as glibc does (Java's %f would give 0.007813).
        assertThat(TritonClassification.format(0.0078125f)).isEqualTo("0.007812");
    }

    @Test
    void nonFiniteValuesFormatAsC() {
        assertThat(TritonClassification.format(Float.NaN)).isEqualTo("nan");
        assertThat(TritonClassification.format(Float.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(TritonClassification.format(Float.NEGATIVE_INFINITY)).isEqualTo("-inf");
    }

    /** Python's {@code "%f" % float(x)} for each value (x widened to double exactly, as C++ promotes a float). */
    private static List<String> pythonPercentF(List<Float> values) throws IOException, InterruptedException {
        StringBuilder in = new StringBuilder();
        for (float v : values) {
            // The raw bits, so Python sees exactly the same float.
            in.append(Integer.toHexString(Float.floatToRawIntBits(v))).append('\n');
        }
        Process p;
        try {
            p = new ProcessBuilder(
                            "python3",
                            "-c",
                            "import sys, struct\n"
                                    + "for line in sys.stdin:\n"
                                    + "    v = struct.unpack('>f', bytes.fromhex(line.strip().zfill(8)))[0]\n"
                                    + "    print('%f' % v)\n")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not installed: " + e.getMessage());
            throw e;
        }
        p.getOutputStream().write(in.toString().getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }
}
