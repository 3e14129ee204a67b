package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The Inception-ResNet-v2 residual blocks (Block35, Block17, Block8): {@code x + scale * conv2d(cat(branches))},
 * then ReLU unless it is the last Block8. {@code conv2d} is a plain 1x1 convolution with bias (no BN, no
 * activation), so it keeps its timm name in both the unfused and the folded network.
 */
final class ScaledResidual extends AbstractBlock {

    private final Block branches;
    private final Conv2d conv2d;
    private final double scale;
    private final boolean relu;

    ScaledResidual(KeyedParameters keys, String prefix, Block branches, int concatChannels, int channels,
            double scale, boolean relu) {
        this.branches = addChildBlock("branches", branches);
        this.conv2d = addChildBlock("conv2d", Conv2d.builder()
                .setKernelShape(new Shape(1, 1))
                .setFilters(channels)
                .optBias(true)
                .build());
        this.scale = scale;
        this.relu = relu;
        long[] weightShape = {channels, concatChannels, 1, 1};
        keys.stateEntry(prefix + ".conv2d.weight", weightShape);
        keys.stateEntry(prefix + ".conv2d.bias", channels);
        keys.bind(prefix + ".conv2d.weight", conv2d.getDirectParameters().get("weight"), weightShape);
        keys.bind(prefix + ".conv2d.bias", conv2d.getDirectParameters().get("bias"), channels);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList cat = branches.forward(ps, inputs, training, params);
        NDArray up = conv2d.forward(ps, cat, training, params).singletonOrThrow();
        cat.close();
        // timm: out = conv2d(cat) * scale + x; in place, the product is a fresh array
        NDArray out = up.muli(scale).addi(x);
        if (!relu) {
            return new NDList(out);
        }
        NDArray activated = Activation.relu(out);
        out.close();
        return new NDList(activated);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape out = conv2d.getOutputShapes(branches.getOutputShapes(inputShapes))[0];
        if (!out.equals(inputShapes[0])) {
            throw new IllegalStateException("residual branch gives " + out + " for input " + inputShapes[0]);
        }
        return new Shape[] {out};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        branches.initialize(manager, dataType, inputShapes);
        conv2d.initialize(manager, dataType, branches.getOutputShapes(inputShapes));
    }
}
