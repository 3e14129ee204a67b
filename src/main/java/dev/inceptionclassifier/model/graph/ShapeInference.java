package dev.inceptionclassifier.model.graph;

/** Output shapes as PyTorch computes them, checking channel counts on the way. */
final class ShapeInference {

    private ShapeInference() {}

    static Dims infer(Node node, Dims in, String where) {
        if (node instanceof Node.Conv c) {
            spatial(in, where + "/" + c.name());
            channels(in, c.in(), where + "/" + c.name());
            return new Dims(
                    c.out(),
                    size(in.height(), c.kh(), c.strideH(), c.padH(), false, where),
                    size(in.width(), c.kw(), c.strideW(), c.padW(), false, where));
        }
        if (node instanceof Node.MaxPool p) {
            spatial(in, where);
            return new Dims(
                    in.channels(),
                    size(in.height(), p.kh(), p.strideH(), p.padH(), p.ceilMode(), where),
                    size(in.width(), p.kw(), p.strideW(), p.padW(), p.ceilMode(), where));
        }
        if (node instanceof Node.AvgPool p) {
            spatial(in, where);
            return new Dims(
                    in.channels(),
                    size(in.height(), p.kh(), p.strideH(), p.padH(), p.ceilMode(), where),
                    size(in.width(), p.kw(), p.strideW(), p.padW(), p.ceilMode(), where));
        }
        if (node instanceof Node.Sequence s) {
            Dims d = in;
            for (Node n : s.nodes()) {
                d = infer(n, d, where);
            }
            return d;
        }
        if (node instanceof Node.Concat c) {
            int channels = 0;
            Dims first = null;
            for (Node branch : c.branches()) {
                Dims d = infer(branch, in, where);
                if (first != null
                        && (d.height() != first.height()
                                || d.width() != first.width()
                                || d.isFlat() != first.isFlat())) {
                    throw new IllegalArgumentException(where + ": concatenated branches differ: " + first + " vs " + d);
                }
                first = first == null ? d : first;
                channels += d.channels();
            }
            return new Dims(channels, first.height(), first.width());
        }
        if (node instanceof Node.Residual r) {
            Dims d = infer(r.body(), in, where);
            if (!d.equals(in)) {
                throw new IllegalArgumentException(where + ": residual body gives " + d + " for input " + in);
            }
            return d;
        }
        if (node instanceof Node.GlobalAvgPool) {
            spatial(in, where);
            return Dims.flat(in.channels());
        }
        if (node instanceof Node.Linear l) {
            int features = in.isFlat() ? in.channels() : in.channels() * in.height() * in.width();
            if (features != l.in()) {
                throw new IllegalArgumentException(
                        where + "/" + l.name() + " expects " + l.in() + " features, gets " + in);
            }
            return Dims.flat(l.out());
        }
        if (node instanceof Node.ChannelAffine a) {
            channels(in, a.scale().length, where);
            return in;
        }
        if (node instanceof Node.L2Normalize) {
            if (!in.isFlat()) {
                throw new IllegalArgumentException(where + ": L2Normalize expects a flat input, gets " + in);
            }
            return in;
        }
        throw new IllegalArgumentException("unknown node " + node);
    }

    /**
     * PyTorch's output size: {@code (n + 2p - k) / s + 1}, rounded down, or up in ceil mode, where a last window
     * that would start in the right padding is dropped.
     */
    static int size(int n, int k, int s, int p, boolean ceil, String where) {
        int span = n + 2 * p - k;
        if (span < 0) {
            throw new IllegalArgumentException(where + ": kernel " + k + " larger than the padded input " + n);
        }
        int out = (ceil ? Math.floorDiv(span + s - 1, s) : Math.floorDiv(span, s)) + 1;
        if (ceil && (long) (out - 1) * s >= n + p) {
            out--;
        }
        return out;
    }

    private static void spatial(Dims in, String where) {
        if (in.isFlat()) {
            throw new IllegalArgumentException(where + " needs a [C, H, W] input, gets " + in);
        }
    }

    private static void channels(Dims in, int expected, String where) {
        if (in.channels() != expected) {
            throw new IllegalArgumentException(where + " expects " + expected + " channels, gets " + in);
        }
    }
}
