package dev.inceptionclassifier.model.graph;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One operation of an architecture description. A network is a tree of these; every backend (DJL blocks op by op,
 * the TorchScript program) is derived from the same tree, and so is the list of checkpoint keys. Nodes are
 * immutable values and carry the checkpoint names of their weights, nothing else: no tensors, no engine types.
 */
public sealed interface Node
        permits Node.Conv,
                Node.MaxPool,
                Node.AvgPool,
                Node.Sequence,
                Node.Concat,
                Node.Residual,
                Node.GlobalAvgPool,
                Node.Linear,
                Node.ChannelAffine,
                Node.L2Normalize {

    /**
     * {@code conv2d} with zero padding, groups 1 and dilation 1, then optionally an eval BatchNorm and a ReLU.
     * Weights: {@code <name>.weight} {@code [out, in, kh, kw]}, {@code <name>.bias} {@code [out]} if {@code bias}.
     *
     * @param name module path of the convolution, e.g. {@code features.0.conv}
     * @param bn the BatchNorm that follows, or null
     */
    record Conv(
            String name,
            int in,
            int out,
            int kh,
            int kw,
            int strideH,
            int strideW,
            int padH,
            int padW,
            boolean bias,
            BatchNorm bn,
            boolean relu)
            implements Node {

        public Conv {
            checkName(name);
            positive(name, in, out, kh, kw, strideH, strideW);
            if (padH < 0 || padW < 0) {
                throw new IllegalArgumentException(name + ": negative padding");
            }
        }
    }

    /** {@code max_pool2d}; padding counts as -inf, {@code ceilMode} as in PyTorch. */
    record MaxPool(int kh, int kw, int strideH, int strideW, int padH, int padW, boolean ceilMode) implements Node {

        public MaxPool {
            positive("MaxPool", kh, kw, strideH, strideW);
            checkPoolPadding(kh, kw, padH, padW);
        }
    }

    /**
     * {@code avg_pool2d}. With {@code countIncludePad} false, windows at the border are divided by the number of
     * real pixels they cover (timm's Inception-v4 and -ResNet-v2), otherwise by the kernel area (PyTorch's default).
     */
    record AvgPool(
            int kh, int kw, int strideH, int strideW, int padH, int padW, boolean ceilMode, boolean countIncludePad)
            implements Node {

        public AvgPool {
            positive("AvgPool", kh, kw, strideH, strideW);
            checkPoolPadding(kh, kw, padH, padW);
        }
    }

    /** The nodes applied one after the other. */
    record Sequence(List<Node> nodes) implements Node {

        public Sequence {
            nodes = List.copyOf(nodes);
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("empty Sequence");
            }
        }
    }

    /** Every branch applied to the same input, outputs concatenated along the channel axis in branch order. */
    record Concat(List<Node> branches) implements Node {

        public Concat {
            branches = List.copyOf(branches);
            if (branches.size() < 2) {
                throw new IllegalArgumentException("a Concat needs at least two branches");
            }
        }
    }

    /**
     * {@code out = body(x) * scale + x}, then ReLU if {@code relu}: the Inception-ResNet blocks, whose body is
     * {@code Sequence(Concat(branches), Conv 1x1 with bias)}. The multiplication comes before the addition, as in
     * timm and facenet-pytorch.
     */
    record Residual(Node body, double scale, boolean relu) implements Node {

        public Residual {
            if (body == null || !Double.isFinite(scale)) {
                throw new IllegalArgumentException("Residual needs a body and a finite scale");
            }
        }
    }

    /** Mean over height and width: {@code [N, C, H, W] -> [N, C]} (adaptive average pool to 1x1, flattened). */
    record GlobalAvgPool() implements Node {}

    /**
     * {@code linear} on the input flattened from dimension 1, optionally followed by an eval BatchNorm1d.
     * Weights: {@code <name>.weight} {@code [out, in]}, {@code <name>.bias} {@code [out]} if {@code bias}.
     */
    record Linear(String name, int in, int out, boolean bias, BatchNorm bn) implements Node {

        public Linear {
            checkName(name);
            positive(name, in, out);
        }
    }

    /**
     * {@code x[:, c] * scale[c] + shift[c]} per channel, with constants and no weights: torchvision's
     * {@code transform_input}, which turns an ImageNet-normalised input into the [-1, 1] scaling some ported
     * weights expect.
     */
    record ChannelAffine(double[] scale, double[] shift) implements Node {

        public ChannelAffine {
            if (scale.length == 0 || scale.length != shift.length) {
                throw new IllegalArgumentException("ChannelAffine needs one scale and one shift per channel");
            }
            scale = scale.clone();
            shift = shift.clone();
        }

        @Override
        public double[] scale() {
            return scale.clone();
        }

        @Override
        public double[] shift() {
            return shift.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChannelAffine a && Arrays.equals(scale, a.scale) && Arrays.equals(shift, a.shift);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(scale) + Arrays.hashCode(shift);
        }

        @Override
        public String toString() {
            return "ChannelAffine[scale=" + Arrays.toString(scale) + ", shift=" + Arrays.toString(shift) + "]";
        }
    }

    /** {@code x / max(||x||_2, eps)} over dimension 1 of {@code [N, C]}: {@code F.normalize(x, p=2, dim=1)}. */
    record L2Normalize(double eps) implements Node {

        public L2Normalize {
            if (!(eps > 0)) {
                throw new IllegalArgumentException("L2Normalize eps must be positive");
            }
        }
    }

    /** Checkpoint names: module paths of letters, digits, '_' and '.', so they can be quoted anywhere verbatim. */
    Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*");

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a module path: '" + name + "'");
        }
    }

    private static void positive(String what, int... values) {
        for (int v : values) {
            if (v < 1) {
                throw new IllegalArgumentException(what + ": sizes and strides must be positive");
            }
        }
    }

    private static void checkPoolPadding(int kh, int kw, int padH, int padW) {
        // PyTorch's own rule: padding at most half the kernel, so no window lies entirely in the padding
        if (padH < 0 || padW < 0 || padH > kh / 2 || padW > kw / 2) {
            throw new IllegalArgumentException("pool padding must be between 0 and half the kernel");
        }
    }
}
