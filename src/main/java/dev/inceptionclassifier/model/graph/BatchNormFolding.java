package dev.inceptionclassifier.model.graph;

import java.util.LinkedHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Folds every eval-mode BatchNorm into the convolution or linear layer before it: with
 * {@code s = gamma / sqrt(var + eps)} per output channel, {@code w' = w * s} and {@code b' = beta - (mean - b) * s}
 * ({@code b} = 0 for a layer without bias). Always computed in double; the float variant rounds once at the end.
 */
public final class BatchNormFolding {

    private BatchNormFolding() {}

    /**
     * The folded weights of {@code graph}, keyed and ordered as {@link NetworkGraph#foldedShapes()}, from a state
     * dict with the {@link NetworkGraph#stateDictShapes()} keys (row-major values).
     */
    public static LinkedHashMap<String, float[]> fold(NetworkGraph graph, Function<String, float[]> stateDict) {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        forEachFolded(graph, stateDict, out::put);
        return out;
    }

    /**
     * {@link #fold}, one weight at a time in {@link NetworkGraph#foldedShapes()} order, so that a caller can hand
     * each on and drop it: only one layer is held in double at a time.
     */
    public static void forEachFolded(
            NetworkGraph graph, Function<String, float[]> stateDict, BiConsumer<String, float[]> sink) {
        forEachLayer(graph, (name, bias, bn) -> {
            float[] w = require(stateDict, name + ".weight");
            float[] b = bias ? require(stateDict, name + ".bias") : null;
            if (bn == null) {
                sink.accept(name + ".weight", w);
                if (b != null) {
                    sink.accept(name + ".bias", b);
                }
                return;
            }
            double[][] wb = fold(
                    toDouble(w),
                    b == null ? null : toDouble(b),
                    toDouble(require(stateDict, bn.key("weight"))),
                    toDouble(require(stateDict, bn.key("bias"))),
                    toDouble(require(stateDict, bn.key("running_mean"))),
                    toDouble(require(stateDict, bn.key("running_var"))),
                    bn.eps());
            sink.accept(name + ".weight", toFloat(wb[0]));
            sink.accept(name + ".bias", toFloat(wb[1]));
        });
    }

    /** {@link #fold} in double, for checks against a float64 reference run. */
    public static LinkedHashMap<String, double[]> foldDouble(NetworkGraph graph, Function<String, double[]> stateDict) {
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        forEachLayer(graph, (name, bias, bn) -> {
            double[] w = require(stateDict, name + ".weight");
            double[] b = bias ? require(stateDict, name + ".bias") : null;
            if (bn == null) {
                out.put(name + ".weight", w);
                if (b != null) {
                    out.put(name + ".bias", b);
                }
                return;
            }
            double[][] wb = fold(
                    w,
                    b,
                    require(stateDict, bn.key("weight")),
                    require(stateDict, bn.key("bias")),
                    require(stateDict, bn.key("running_mean")),
                    require(stateDict, bn.key("running_var")),
                    bn.eps());
            out.put(name + ".weight", wb[0]);
            out.put(name + ".bias", wb[1]);
        });
        return out;
    }

    /** A convolution or linear layer: its name, whether it has its own bias, and its BatchNorm or null. */
    private interface Layer {
        void accept(String name, boolean bias, BatchNorm bn);
    }

    /** Every layer with weights, in the same walk as {@link NetworkGraph#foldedShapes()}. */
    private static void forEachLayer(NetworkGraph graph, Layer layer) {
        Consumer<Node> visit = n -> {
            if (n instanceof Node.Conv c) {
                layer.accept(c.name(), c.bias(), c.bn());
            } else if (n instanceof Node.Linear l) {
                layer.accept(l.name(), l.bias(), l.bn());
            }
        };
        graph.stages().forEach(s -> NetworkGraph.walk(s.body(), visit));
        NetworkGraph.walk(graph.head(), visit);
    }

    /** Returns {@code {w', b'}} for a weight {@code [O, ...]} (flattened), its bias or null, and the BN tensors. */
    static double[][] fold(
            double[] weight, double[] bias, double[] gamma, double[] beta, double[] mean, double[] var, double eps) {
        int out = gamma.length;
        int perChannel = weight.length / out;
        double[] w = new double[weight.length];
        double[] b = new double[out];
        for (int o = 0; o < out; o++) {
            double s = gamma[o] / Math.sqrt(var[o] + eps);
            for (int j = o * perChannel, end = j + perChannel; j < end; j++) {
                w[j] = weight[j] * s;
            }
            b[o] = beta[o] - (bias == null ? mean[o] : mean[o] - bias[o]) * s;
        }
        return new double[][] {w, b};
    }

    private static <T> T require(Function<String, T> stateDict, String key) {
        T v = stateDict.apply(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
