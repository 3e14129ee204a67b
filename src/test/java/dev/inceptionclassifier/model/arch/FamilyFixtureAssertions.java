package dev.inceptionclassifier.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inceptionclassifier.model.core.Architecture;
import java.util.Arrays;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Checks of a port's network outputs (logits or embedding) against a block of the family fixture: per image the
 * first 10 values, the top-5 indices and values, mean and std, the image0 - image1 difference, and optionally every
 * value against the float64 run. "Relative" is {@code |actual - expected| / max(|expected|, std)}, the output's
 * standard deviation standing in for values near zero.
 */
public final class FamilyFixtureAssertions {

    /** The fidelity asked of a float32 port: 1e-4 relative. */
    public static final double TOLERANCE = 1e-4;

    private FamilyFixtureAssertions() {}

    /**
     * Asserts {@code out} ({@code [2, n]} row-major) against {@code block} (with {@code image0}, {@code image1} and
     * {@code logit_diff_image0_minus_image1}) and, if not null, every value of {@code all64} ({@code [2, n]});
     * returns the worst relative error seen, which it also prints.
     */
    public static double checkOutputs(String what, JsonNode block, double[] all64, float[] out, int n) {
        assertThat(out).hasSize(2 * n);
        double worst = 0;
        double worstPlain = 0;
        for (int img = 0; img < 2; img++) {
            float[] v = Arrays.copyOfRange(out, img * n, img * n + n);
            JsonNode e = block.get("image" + img);
            double std = e.get("std_n1").asDouble();
            int[] top5 = TimmReference.ints(e.get("top5_indices"));
            assertThat(TimmFixtureAssertions.top(v, 5))
                    .as(what + " image" + img + " top5")
                    .containsExactly(top5);
            double[] first10 = TimmReference.doubles(e.get("first10"));
            double[] top5v = TimmReference.doubles(e.get("top5_values"));
            for (int i = 0; i < 15; i++) {
                double expected = i < 10 ? first10[i] : top5v[i - 10];
                double actual = i < 10 ? v[i] : v[top5[i - 10]];
                double d = Math.abs(actual - expected);
                worst = Math.max(worst, d / Math.max(Math.abs(expected), std));
                worstPlain = Math.max(worstPlain, d / Math.abs(expected));
                assertThat(actual)
                        .as(what + " image" + img + (i < 10 ? " value " + i : " top " + (i - 10)))
                        .isCloseTo(expected, within(TOLERANCE * Math.max(Math.abs(expected), std)));
            }
            double mean = 0;
            for (float f : v) {
                mean += f;
            }
            mean /= n;
            double sq = 0;
            for (float f : v) {
                sq += (f - mean) * (f - mean);
            }
            assertThat(mean)
                    .as(what + " image" + img + " mean")
                    .isCloseTo(e.get("mean").asDouble(), within(TOLERANCE * std));
            assertThat(Math.sqrt(sq / (n - 1)))
                    .as(what + " image" + img + " std")
                    .isCloseTo(std, within(TOLERANCE * std));
        }
        JsonNode diff = block.get("logit_diff_image0_minus_image1");
        double[] diff10 = TimmReference.doubles(diff.get("first10"));
        double diffStd = diff.get("std_n").asDouble();
        double worstDiff = 0;
        for (int i = 0; i < 10; i++) {
            double d = Math.abs((out[i] - out[n + i]) - diff10[i]);
            worstDiff = Math.max(worstDiff, d / Math.max(Math.abs(diff10[i]), diffStd));
        }
        // the input-dependent part: 1e-3 of its own scale (it is ~5x smaller than the outputs)
        assertThat(worstDiff).as(what + " image0 - image1").isLessThanOrEqualTo(10 * TOLERANCE);
        double worstAll = 0;
        if (all64 != null) {
            double scale = 0;
            for (double e : all64) {
                scale = Math.max(scale, Math.abs(e));
            }
            for (int i = 0; i < 2 * n; i++) {
                worstAll = Math.max(worstAll, Math.abs(out[i] - all64[i]) / scale);
            }
            assertThat(worstAll)
                    .as(what + " every value vs float64, relative to the largest")
                    .isLessThanOrEqualTo(TOLERANCE);
        }
        System.out.printf(
                Locale.ROOT,
                "%s: first10+top5 worst rel %.3g (plain |d|/|e| %.3g); image0-image1 %.3g; "
                        + "all %d values vs float64: max |d| / max |e| %.3g%n",
                what,
                worst,
                worstPlain,
                worstDiff,
                2 * n,
                worstAll);
        return worst;
    }

    /** The float64 run's full output for an architecture, {@code [2, n]}, or null where the fixture has none. */
    public static double[] all64(Architecture arch, JsonNode fx) {
        JsonNode all =
                fx.get(arch == Architecture.INCEPTION_RESNET_V1 ? "embedding_all_float64" : "all_logits_float64");
        if (all == null) {
            return null;
        }
        double[] a = TimmReference.doubles(all.get("image0"));
        double[] b = TimmReference.doubles(all.get("image1"));
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
