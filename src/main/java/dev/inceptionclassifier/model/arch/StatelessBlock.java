package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.function.UnaryOperator;

/**
 * An operation without weights, with its output shape given as a function (DJL's LambdaBlock would run the operation
 * on zeros to find it).
 */
final class StatelessBlock extends AbstractBlock {

    private final UnaryOperator<NDArray> op;
    private final UnaryOperator<Shape> outputShape;

    StatelessBlock(UnaryOperator<NDArray> op, UnaryOperator<Shape> outputShape) {
        this.op = op;
        this.outputShape = outputShape;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(op.apply(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {outputShape.apply(inputShapes[0])};
    }
}
