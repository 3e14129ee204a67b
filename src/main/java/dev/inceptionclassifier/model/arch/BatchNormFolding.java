package dev.inceptionclassifier.model.arch;

/**
 * Folds an eval-mode BatchNorm into the convolution before it: with {@code s = gamma / sqrt(var + eps)} per output
 * channel, {@code w' = w * s} and {@code b' = beta - mean * s}. Always computed in double.
 */
final class BatchNormFolding {

    private BatchNormFolding() {
    }

    /** Returns {@code {w', b'}} rounded once to float, for a conv weight {@code [O, ...]} and the BN tensors. */
    static float[][] fold(float[] weight, float[] gamma, float[] beta, float[] mean, float[] var, double eps) {
        double[][] folded = fold(toDouble(weight), toDouble(gamma), toDouble(beta), toDouble(mean), toDouble(var),
                eps);
        return new float[][] {toFloat(folded[0]), toFloat(folded[1])};
    }

    /** Returns {@code {w', b'}} for a conv weight {@code [O, ...]} (flattened) and the BN's per-channel tensors. */
    static double[][] fold(double[] weight, double[] gamma, double[] beta, double[] mean, double[] var, double eps) {
        int out = gamma.length;
        int perChannel = weight.length / out;
        double[] w = new double[weight.length];
        double[] b = new double[out];
        for (int o = 0; o < out; o++) {
            double s = gamma[o] / Math.sqrt(var[o] + eps);
            for (int j = o * perChannel, end = j + perChannel; j < end; j++) {
                w[j] = weight[j] * s;
            }
            b[o] = beta[o] - mean[o] * s;
        }
        return new double[][] {w, b};
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
