package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code AvgPool2d(3, stride=1, padding=1, count_include_pad=False)}: at the border the sum is divided by the
 * number of real pixels (4 or 6), not by 9.
 *
 * <p>DJL 0.36's PyTorch engine ignores {@code countIncludePad} and always divides by 9, so this pools with the
 * padding counted and rescales each position by 9 / (real pixels in its window), which depends only on (h, w).
 */
final class AvgPoolExcludingPadding extends AbstractBlock {

    private static final Shape KERNEL = new Shape(3, 3);
    private static final Shape STRIDE = new Shape(1, 1);
    private static final Shape PADDING = new Shape(1, 1);

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        int h = Math.toIntExact(x.getShape().get(2));
        int w = Math.toIntExact(x.getShape().get(3));
        NDArray averaged = Pool.avgPool2d(x, KERNEL, STRIDE, PADDING, false, true);
        try (NDArray rescale = x.getManager().create(rescale(h, w), new Shape(h, w)).toType(x.getDataType(),
                false)) {
            return new NDList(averaged.muli(rescale));
        }
    }

    /** 9 / (rows in window x columns in window), row-major [h, w]; exact in float (1, 1.5 or 2.25). */
    static float[] rescale(int h, int w) {
        float[] f = new float[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                f[i * w + j] = 9f / (span(i, h) * span(j, w));
            }
        }
        return f;
    }

    /** How many of the 3 window positions around {@code i} fall inside {@code [0, n)}. */
    private static int span(int i, int n) {
        return 1 + (i > 0 ? 1 : 0) + (i < n - 1 ? 1 : 0);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
