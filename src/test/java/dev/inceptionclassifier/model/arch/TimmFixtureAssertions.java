package dev.inceptionclassifier.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.inceptionclassifier.model.core.Architecture;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;

/**
 * Checks of a port's outputs against the public fixture's timm run, with the tolerances every backend is held to:
 * stage statistics and samples against timm's float64 run, logits against its float32 run.
 */
public final class TimmFixtureAssertions {

    private TimmFixtureAssertions() {}

    /** Every stage's shape, mean, std and samples ({@code outs}: each stage's output, then the logits). */
    public static void checkStages(Architecture arch, JsonNode stages, NDList outs) {
        assertThat(outs).hasSize(stages.size() + 1);
        for (int s = 0; s < stages.size(); s++) {
            JsonNode st = stages.get(s);
            String module = st.get("module").asString();
            NDArray out = outs.get(s);
            assertThat(out.getShape().getShape())
                    .as(module)
                    .containsExactly(Arrays.stream(TimmReference.ints(st.get("shape")))
                            .asLongStream()
                            .toArray());
            double worstSample = 0;
            for (int img = 0; img < 2; img++) {
                JsonNode e = st.get("image" + img);
                float[] v = out.get(img).toFloatArray();
                double sum = 0;
                for (float f : v) {
                    sum += f;
                }
                double mean = sum / v.length;
                double sq = 0;
                for (float f : v) {
                    sq += (f - mean) * (f - mean);
                }
                double std = Math.sqrt(sq / v.length);
                // float32 against timm's float64 run: the stats agree to ~1e-5 relative where every layer is right
                String what = arch.timmName() + " " + module + " image" + img;
                assertThat(mean)
                        .as(what + " mean")
                        .isCloseTo(
                                e.get("mean").asDouble(),
                                within(1e-4 * Math.abs(e.get("mean").asDouble()) + 1e-6));
                assertThat(std)
                        .as(what + " std")
                        .isCloseTo(
                                e.get("std_n").asDouble(),
                                within(1e-4 * e.get("std_n").asDouble() + 1e-6));
                long c = out.getShape().get(1);
                long h = out.getShape().get(2);
                long w = out.getShape().get(3);
                JsonNode samples = e.get("samples_c_h_w_value");
                for (int i = 0; i < samples.size(); i++) {
                    JsonNode smp = samples.get(i);
                    int idx = Math.toIntExact(
                            (smp.get(0).asLong() * h + smp.get(1).asLong()) * w
                                    + smp.get(2).asLong());
                    assertThat(smp.get(0).asLong()).isLessThan(c);
                    double expected = smp.get(3).asDouble();
                    double d = Math.abs(v[idx] - expected);
                    worstSample = Math.max(worstSample, d / Math.max(1, Math.abs(expected)));
                    assertThat((double) v[idx])
                            .as(what + " sample " + smp)
                            .isCloseTo(expected, within(1e-3 * Math.max(1, Math.abs(expected))));
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s %-11s %s worst sample diff %.2g%n",
                    arch.timmName(),
                    module,
                    out.getShape(),
                    worstSample);
        }
    }

    public static void checkLogits(Architecture arch, JsonNode fx, float[] logits) {
        assertThat(logits).hasSize(2000);
        JsonNode f32 = fx.get("float32");
        double worstAbs = 0;
        double worstRel = 0;
        for (int img = 0; img < 2; img++) {
            float[] l = Arrays.copyOfRange(logits, img * 1000, img * 1000 + 1000);
            JsonNode e = f32.get("image" + img);
            double[] expected =
                    concat(TimmReference.doubles(e.get("first10")), TimmReference.doubles(e.get("top5_values")));
            int[] top5 = TimmReference.ints(e.get("top5_indices"));
            assertThat(top(l, 5)).as(arch + " image" + img + " top5").containsExactly(top5);
            double[] actual = new double[expected.length];
            for (int i = 0; i < 10; i++) {
                actual[i] = l[i];
            }
            for (int i = 0; i < 5; i++) {
                actual[10 + i] = l[top5[i]];
            }
            for (int i = 0; i < expected.length; i++) {
                double d = Math.abs(actual[i] - expected[i]);
                worstAbs = Math.max(worstAbs, d);
                worstRel = Math.max(worstRel, d / Math.abs(expected[i]));
                assertThat(actual[i])
                        .as(arch + " image" + img + " value " + i)
                        .isCloseTo(expected[i], within(tolerance(expected[i])));
            }
            double mean = 0;
            for (float v : l) {
                mean += v;
            }
            mean /= l.length;
            double sq = 0;
            for (float v : l) {
                sq += (v - mean) * (v - mean);
            }
            assertThat(mean).isCloseTo(e.get("mean").asDouble(), within(1e-5 + 1e-4 * Math.abs(mean)));
            assertThat(Math.sqrt(sq / (l.length - 1)))
                    .isCloseTo(
                            e.get("std_n1").asDouble(),
                            within(1e-4 * e.get("std_n1").asDouble()));
        }
        double worstDiff = 0;
        JsonNode diff = f32.get("logit_diff_image0_minus_image1");
        if (diff != null) {
            double[] first10 = TimmReference.doubles(diff.get("first10"));
            for (int i = 0; i < 10; i++) {
                double d = Math.abs((logits[i] - logits[1000 + i]) - first10[i]);
                worstDiff = Math.max(worstDiff, d);
                assertThat(d).as(arch + " logit diff " + i).isLessThanOrEqualTo(tolerance(first10[i]));
            }
        }
        // all 1000 logits of both images against timm's float64 run
        double[] all = new double[2000];
        for (int img = 0; img < 2; img++) {
            System.arraycopy(
                    TimmReference.doubles(fx.get("all_logits_float64").get("image" + img)), 0, all, img * 1000, 1000);
        }
        double worstAll = 0;
        for (int i = 0; i < 2000; i++) {
            worstAll = Math.max(worstAll, Math.abs(logits[i] - all[i]));
        }
        System.out.printf(
                Locale.ROOT,
                "%s float32 vs timm float32: worst |diff| %.3g (worst rel %.3g) on first10+top5, %.3g on "
                        + "logit_diff; all logits vs timm float64: max |diff| %.3g (timm's own float32: %s)%n",
                arch.timmName(),
                worstAbs,
                worstRel,
                worstDiff,
                worstAll,
                fx.get("float32_vs_float64_max_abs_logit_diff"));
        assertThat(worstAll).isLessThanOrEqualTo(3e-4);
    }

    /** 1e-4 relative, but at least 1e-4 absolute: both runs carry float32 noise of that size (see the report). */
    private static double tolerance(double expected) {
        return Math.max(1e-4 * Math.abs(expected), 1e-4);
    }

    /** Indices of the {@code k} largest values, largest first. */
    public static int[] top(float[] v, int k) {
        return IntStream.range(0, v.length)
                .boxed()
                .sorted(Comparator.comparingDouble(i -> -v[i]))
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
