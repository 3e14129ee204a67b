package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.inceptionclassifier.model.graph.Node;

/**
 * A {@link Node.Conv}: Conv2d, then its BatchNorm and ReLU where the description has them (timm's
 * {@code ConvNormAct} is Conv2d without bias, BatchNorm eps 1e-3, ReLU). With BN folding the BatchNorm is gone and
 * the convolution has a bias, named {@code <name>.weight/bias}, whose values are folded in at load time.
 */
final class ConvLayer extends AbstractBlock {

    private final Conv2d conv;
    private final BatchNorm bn;
    private final boolean relu;

    ConvLayer(KeyedParameters keys, Node.Conv c) {
        boolean fold = keys.bnFolded() && c.bn() != null;
        boolean bias = c.bias() || fold;
        conv = addChildBlock(
                "conv",
                Conv2d.builder()
                        .setKernelShape(new Shape(c.kh(), c.kw()))
                        .optStride(new Shape(c.strideH(), c.strideW()))
                        .optPadding(new Shape(c.padH(), c.padW()))
                        .setFilters(c.out())
                        .optBias(bias)
                        .build());
        relu = c.relu();
        keys.bind(c.name() + ".weight", conv.getDirectParameters().get("weight"), c.out(), c.in(), c.kh(), c.kw());
        if (bias) {
            keys.bind(c.name() + ".bias", conv.getDirectParameters().get("bias"), c.out());
        }
        if (c.bn() == null || fold) {
            bn = null;
        } else {
            String n = c.bn().name();
            bn = addChildBlock(
                    "bn", BatchNorm.builder().optEpsilon((float) c.bn().eps()).build());
            keys.bind(n + ".weight", bn.getDirectParameters().get("gamma"), c.out());
            keys.bind(n + ".bias", bn.getDirectParameters().get("beta"), c.out());
            keys.bind(n + ".running_mean", bn.getDirectParameters().get("runningMean"), c.out());
            keys.bind(n + ".running_var", bn.getDirectParameters().get("runningVar"), c.out());
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = conv.forward(ps, inputs, training, params).singletonOrThrow();
        if (bn != null) {
            NDArray normed = bn.forward(ps, new NDList(x), training, params).singletonOrThrow();
            x.close(); // temporaries are freed at once: a batch otherwise holds every activation of the network
            x = normed;
        }
        if (!relu) {
            return new NDList(x);
        }
        NDArray y = Activation.relu(x);
        x.close();
        return new NDList(y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
        if (bn != null) {
            bn.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
        }
    }
}
