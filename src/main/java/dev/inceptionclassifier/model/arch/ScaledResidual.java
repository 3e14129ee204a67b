package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A {@code Node.Residual}: {@code body(x) * scale + x}, then ReLU unless it is the last Block8. In the
 * Inception-ResNet blocks the body is the branches' concat followed by a 1x1 convolution with bias.
 */
final class ScaledResidual extends AbstractBlock {

    private final Block body;
    private final double scale;
    private final boolean relu;

    ScaledResidual(Block body, double scale, boolean relu) {
        this.body = addChildBlock("body", body);
        this.scale = scale;
        this.relu = relu;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray up = body.forward(ps, inputs, training, params).singletonOrThrow();
        // timm: out = conv2d(cat) * scale + x; in place, the body's output is a fresh array
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
        Shape out = body.getOutputShapes(inputShapes)[0];
        if (!out.equals(inputShapes[0])) {
            throw new IllegalStateException("residual branch gives " + out + " for input " + inputShapes[0]);
        }
        return new Shape[] {out};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
    }
}
