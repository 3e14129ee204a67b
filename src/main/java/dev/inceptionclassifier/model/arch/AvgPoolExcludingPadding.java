package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.inceptionclassifier.model.graph.Node;

/**
 * {@code AvgPool2d(..., count_include_pad=False)}: at the border the sum is divided by the number of real pixels in
 * the window (4 or 6 for timm's 3x3 stride-1 pools), not by the kernel area.
 *
 * <p>DJL 0.36's PyTorch engine ignores {@code countIncludePad} and always divides by the padded window, so this pools
 * with the padding counted and rescales each position by (padded window) / (real pixels in the window), which
 * depends only on the output position.
 */
final class AvgPoolExcludingPadding extends AbstractBlock {

    private final Node.AvgPool pool;

    AvgPoolExcludingPadding(Node.AvgPool pool) {
        this.pool = pool;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        int h = Math.toIntExact(x.getShape().get(2));
        int w = Math.toIntExact(x.getShape().get(3));
        NDArray averaged = Pool.avgPool2d(
                x,
                new Shape(pool.kh(), pool.kw()),
                new Shape(pool.strideH(), pool.strideW()),
                new Shape(pool.padH(), pool.padW()),
                pool.ceilMode(),
                true);
        int oh = Math.toIntExact(averaged.getShape().get(2));
        int ow = Math.toIntExact(averaged.getShape().get(3));
        try (NDArray rescale = x.getManager()
                .create(rescale(pool, h, w, oh, ow), new Shape(oh, ow))
                .toType(x.getDataType(), false)) {
            return new NDList(averaged.muli(rescale));
        }
    }

    /** (padded window) / (real window) per output position, row-major [oh, ow]; exact in float for 3x3 windows. */
    static float[] rescale(Node.AvgPool p, int h, int w, int oh, int ow) {
        float[] f = new float[oh * ow];
        for (int i = 0; i < oh; i++) {
            int[] rows = window(i, h, p.kh(), p.strideH(), p.padH());
            for (int j = 0; j < ow; j++) {
                int[] cols = window(j, w, p.kw(), p.strideW(), p.padW());
                f[i * ow + j] = (float) (rows[0] * cols[0]) / (rows[1] * cols[1]);
            }
        }
        return f;
    }

    /**
     * {padded, real} extent of output position {@code o}'s window along one axis, as PyTorch's avg_pool2d counts
     * them: the padded window is clipped at {@code n + pad} (a ceil-mode window can run past it), the real one at
     * the image.
     */
    private static int[] window(int o, int n, int k, int s, int pad) {
        int start = o * s - pad;
        int end = Math.min(start + k, n + pad);
        int padded = end - start;
        int real = Math.min(end, n) - Math.max(start, 0);
        return new int[] {padded, real};
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {
            new Shape(
                    in.get(0),
                    in.get(1),
                    outSize(in.get(2), pool.kh(), pool.strideH(), pool.padH()),
                    outSize(in.get(3), pool.kw(), pool.strideW(), pool.padW()))
        };
    }

    private long outSize(long n, int k, int s, int pad) {
        long span = n + 2L * pad - k;
        long out = (pool.ceilMode() ? Math.floorDiv(span + s - 1, s) : Math.floorDiv(span, s)) + 1;
        if (pool.ceilMode() && (out - 1) * s >= n + pad) {
            out--;
        }
        return out;
    }
}
