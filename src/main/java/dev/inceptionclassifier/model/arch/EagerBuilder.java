package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import dev.inceptionclassifier.model.graph.Node;

/** Derives DJL blocks, op by op, from an architecture description, binding every parameter to its key. */
final class EagerBuilder {

    private final KeyedParameters keys;

    EagerBuilder(KeyedParameters keys) {
        this.keys = keys;
    }

    StagedNetwork network(NetworkGraph graph) {
        StagedNetwork net = new StagedNetwork();
        for (NetworkGraph.Stage s : graph.stages()) {
            net.stage(s.name(), block(s.body()));
        }
        return net.head(block(graph.head()));
    }

    Block block(Node node) {
        if (node instanceof Node.Conv c) {
            return new ConvLayer(keys, c);
        }
        if (node instanceof Node.MaxPool p) {
            return Pool.maxPool2dBlock(
                    new Shape(p.kh(), p.kw()),
                    new Shape(p.strideH(), p.strideW()),
                    new Shape(p.padH(), p.padW()),
                    p.ceilMode());
        }
        if (node instanceof Node.AvgPool p) {
            return p.countIncludePad()
                    ? Pool.avgPool2dBlock(
                            new Shape(p.kh(), p.kw()),
                            new Shape(p.strideH(), p.strideW()),
                            new Shape(p.padH(), p.padW()),
                            p.ceilMode(),
                            true)
                    : new AvgPoolExcludingPadding(p);
        }
        if (node instanceof Node.Sequence s) {
            Chain chain = new Chain();
            s.nodes().forEach(n -> chain.add(block(n)));
            return chain;
        }
        if (node instanceof Node.Concat c) {
            return new ChannelConcat(c.branches().stream().map(this::block).toArray(Block[]::new));
        }
        if (node instanceof Node.Residual r) {
            return new ScaledResidual(block(r.body()), r.scale(), r.relu());
        }
        if (node instanceof Node.GlobalAvgPool) {
            return new StatelessBlock(Pool::globalAvgPool2d, s -> new Shape(s.get(0), s.get(1)));
        }
        if (node instanceof Node.Linear l) {
            return new LinearLayer(keys, l);
        }
        if (node instanceof Node.ChannelAffine a) {
            return new StatelessBlock(x -> channelAffine(x, a), s -> s);
        }
        if (node instanceof Node.L2Normalize n) {
            return new StatelessBlock(
                    x -> {
                        try (NDArray norm = x.norm(new int[] {1}, true);
                                NDArray denom = norm.maximum(n.eps())) {
                            return x.div(denom);
                        }
                    },
                    s -> s);
        }
        throw new IllegalArgumentException("no eager block for " + node);
    }

    /** torchvision's transform_input: each channel scaled and shifted, then concatenated again. */
    private static NDArray channelAffine(NDArray x, Node.ChannelAffine a) {
        double[] scale = a.scale();
        double[] shift = a.shift();
        NDList channels = new NDList(scale.length);
        for (int c = 0; c < scale.length; c++) {
            try (NDArray ch = x.get(":, " + c + ":" + (c + 1))) {
                channels.add(ch.mul(scale[c]).addi(shift[c]));
            }
        }
        NDArray out = NDArrays.concat(channels, 1);
        channels.close();
        return out;
    }
}
