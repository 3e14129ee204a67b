package dev.inceptionclassifier.inference;

import java.util.ArrayList;
import java.util.List;

/** Softmax over all classes (in double precision) and the k most probable classes. */
public final class TopK {

    /**
     * One class and its probability.
     *
     * @param index class index
     * @param probability softmax probability
     */
    public record Scored(int index, double probability) {}

    private TopK() {}

    /** Numerically stable softmax of the logits. */
    public static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The k most probable classes, most probable first; ties keep the lower index first. */
    public static List<Scored> of(float[] logits, int k) {
        double[] p = softmax(logits);
        int n = Math.min(k, p.length);
        // Partial selection: k is small next to the class count.
        int[] best = new int[n];
        int filled = 0;
        for (int i = 0; i < p.length; i++) {
            int pos = filled;
            while (pos > 0 && p[best[pos - 1]] < p[i]) {
                pos--;
            }
            if (pos < n) {
                int end = Math.min(filled, n - 1);
                System.arraycopy(best, pos, best, pos + 1, end - pos);
                best[pos] = i;
                filled = Math.min(filled + 1, n);
            }
        }
        List<Scored> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Scored(best[i], p[best[i]]));
        }
        return out;
    }
}
