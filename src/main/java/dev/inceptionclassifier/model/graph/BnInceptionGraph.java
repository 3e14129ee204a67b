package dev.inceptionclassifier.model.graph;

import static dev.inceptionclassifier.model.graph.Layers.avgPool3IncludingPad;
import static dev.inceptionclassifier.model.graph.Layers.cat;
import static dev.inceptionclassifier.model.graph.Layers.maxPoolCeil;
import static dev.inceptionclassifier.model.graph.Layers.seq;

import java.util.ArrayList;
import java.util.List;

/**
 * Cadene's {@code BNInception} (Inception-v2 / BN-Inception, transcribed from the Caffe model): a flat module whose
 * every convolution has a bias and is followed by a sibling BatchNorm {@code <conv>_bn} with PyTorch's default eps
 * 1e-5 and a ReLU. Every pool module is ceil-mode; the average pools in the blocks count the zero padding, and
 * {@code inception_5b}'s pool is a max pool. The final {@code avg_pool2d(kernel_size=H)} is the global average pool
 * for the square inputs the service gives it (for a non-square map Cadene's pool would drop the extra columns).
 */
public final class BnInceptionGraph {

    public static final int NUM_FEATURES = 1024;

    /** PyTorch's default BatchNorm eps, which Cadene's port keeps (the other Inception nets use 1e-3). */
    public static final double BN_EPS = 1e-5;

    private BnInceptionGraph() {}

    public static NetworkGraph build(int numClasses) {
        List<NetworkGraph.Stage> s = new ArrayList<>();
        s.add(stage("conv1_7x7_s2", conv("conv1_7x7_s2", 3, 64, 7, 2, 3)));
        s.add(stage("pool1_3x3_s2", maxPoolCeil(3, 2, 0)));
        s.add(stage("conv2_3x3_reduce", conv("conv2_3x3_reduce", 64, 64, 1, 1, 0)));
        s.add(stage("conv2_3x3", conv("conv2_3x3", 64, 192, 3, 1, 1)));
        s.add(stage("pool2_3x3_s2", maxPoolCeil(3, 2, 0)));
        s.add(stage("inception_3a", block("inception_3a", 192, 64, 64, 64, 64, 96, 32, false)));
        s.add(stage("inception_3b", block("inception_3b", 256, 64, 64, 96, 64, 96, 64, false)));
        s.add(stage("inception_3c", reduction("inception_3c", 320, 128, 160, 64, 96)));
        s.add(stage("inception_4a", block("inception_4a", 576, 224, 64, 96, 96, 128, 128, false)));
        s.add(stage("inception_4b", block("inception_4b", 576, 192, 96, 128, 96, 128, 128, false)));
        s.add(stage("inception_4c", block("inception_4c", 576, 160, 128, 160, 128, 160, 128, false)));
        s.add(stage("inception_4d", block("inception_4d", 608, 96, 128, 192, 160, 192, 128, false)));
        s.add(stage("inception_4e", reduction("inception_4e", 608, 128, 192, 192, 256)));
        s.add(stage("inception_5a", block("inception_5a", 1056, 352, 192, 320, 160, 224, 128, false)));
        s.add(stage("inception_5b", block("inception_5b", 1024, 352, 192, 320, 192, 224, 128, true)));
        return new NetworkGraph("BNInception", 3, s, Layers.classifier("last_linear", NUM_FEATURES, numClasses));
    }

    private static NetworkGraph.Stage stage(String name, Node body) {
        return new NetworkGraph.Stage(name, body);
    }

    /** A Caffe-style convolution: {@code <name>.weight/bias}, BatchNorm {@code <name>_bn} (eps 1e-5), ReLU. */
    private static Node.Conv conv(String name, int in, int out, int k, int stride, int pad) {
        return new Node.Conv(
                name, in, out, k, k, stride, stride, pad, pad, true, new BatchNorm(name + "_bn", BN_EPS), true);
    }

    /**
     * [1x1, 1x1 -> 3x3, 1x1 -> 3x3 -> 3x3, pool 3x3 s1 p1 ceil -> 1x1]; the pool averages with the padding counted,
     * or is a max pool ({@code inception_5b}).
     */
    private static Node block(String p, int in, int c1, int r3, int c3, int rd, int cd, int poolProj, boolean maxPool) {
        Node pool = maxPool ? maxPoolCeil(3, 1, 1) : avgPool3IncludingPad(true);
        return cat(
                conv(p + "_1x1", in, c1, 1, 1, 0),
                seq(conv(p + "_3x3_reduce", in, r3, 1, 1, 0), conv(p + "_3x3", r3, c3, 3, 1, 1)),
                seq(
                        conv(p + "_double_3x3_reduce", in, rd, 1, 1, 0),
                        conv(p + "_double_3x3_1", rd, cd, 3, 1, 1),
                        conv(p + "_double_3x3_2", cd, cd, 3, 1, 1)),
                seq(pool, conv(p + "_pool_proj", in, poolProj, 1, 1, 0)));
    }

    /** [1x1 -> 3x3 s2 p1, 1x1 -> 3x3 -> 3x3 s2 p1, max pool 3x3 s2 ceil (passed through)]. */
    private static Node reduction(String p, int in, int r3, int c3, int rd, int cd) {
        return cat(
                seq(conv(p + "_3x3_reduce", in, r3, 1, 1, 0), conv(p + "_3x3", r3, c3, 3, 2, 1)),
                seq(
                        conv(p + "_double_3x3_reduce", in, rd, 1, 1, 0),
                        conv(p + "_double_3x3_1", rd, cd, 3, 1, 1),
                        conv(p + "_double_3x3_2", cd, cd, 3, 2, 1)),
                maxPoolCeil(3, 2, 0));
    }
}
