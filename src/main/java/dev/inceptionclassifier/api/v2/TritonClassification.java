package dev.inceptionclassifier.api.v2;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Triton's classification extension: the top {@code k} elements of one output row as {@code value:index:label}
 * strings, formatted as Triton's server does it ({@code src/classification.cc}: {@code std::to_string(value) + ":" +
 * std::to_string(index)}, then {@code ":" + label} when the model has labels). {@code std::to_string(float)} is
 * {@code printf("%f")} of the value widened to double: six decimals, correctly rounded, ties to even, so
 * {@code 3.3f} becomes {@code 3.300000}; its docs' {@code "3.3:1"} is illustrative, not what the server sends.
 */
public final class TritonClassification {

    private TritonClassification() {}

    /**
     * The {@code k} highest values of {@code values[from, from + length)}, highest first, compared as float32 (ties:
     * lower index first, where Triton's unstable sort leaves the order open). Fewer when the row is shorter, as in
     * Triton.
     */
    public static List<String> topK(float[] values, int from, int length, long k, List<String> labels) {
        int n = (int) Math.min(k, length);
        int[] best = new int[n];
        int filled = 0;
        for (int i = 0; i < length; i++) {
            float v = values[from + i];
            int pos = filled;
            while (pos > 0 && values[from + best[pos - 1]] < v) {
                pos--;
            }
            if (pos < n) {
                System.arraycopy(best, pos, best, pos + 1, Math.min(filled, n - 1) - pos);
                best[pos] = i;
                filled = Math.min(filled + 1, n);
            }
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = best[i];
            String s = format(values[from + index]) + ":" + index;
            out.add(labels == null ? s : s + ":" + labels.get(index));
        }
        return out;
    }

    /** {@code std::to_string(float)}, i.e. C's {@code "%f"} of the value as a double. */
    static String format(float value) {
        if (Float.isNaN(value)) {
            return (Float.floatToRawIntBits(value) < 0 ? "-" : "") + "nan";
        }
        if (Float.isInfinite(value)) {
            return value < 0 ? "-inf" : "inf";
        }
        // BigDecimal(double) is the exact binary value, so HALF_EVEN rounds as glibc's printf does.
        String s = new BigDecimal((double) value)
                .setScale(6, RoundingMode.HALF_EVEN)
                .toPlainString();
        boolean negative = value < 0 || (value == 0 && 1 / value < 0);
        return negative && !s.startsWith("-") ? "-" + s : s;
    }
}
