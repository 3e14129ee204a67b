package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Blocks applied one after the other, like {@code nn.Sequential}. Unlike DJL's SequentialBlock it frees each
 * intermediate output as soon as the next block has consumed it, so a forward pass holds only the live activations
 * rather than every activation of the network until the batch's manager closes.
 */
final class Chain extends AbstractBlock {

    private final List<Block> blocks = new ArrayList<>();

    Chain(Block... blocks) {
        for (Block b : blocks) {
            add(b);
        }
    }

    Chain add(Block block) {
        blocks.add(addChildBlock(block.getClass().getSimpleName(), block));
        return this;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (Block block : blocks) {
            NDList next = block.forward(ps, x, training, params);
            closeIntermediate(x, next, inputs);
            x = next;
        }
        return x;
    }

    /** Closes {@code consumed} unless it is the caller's input or was passed through unchanged. */
    static void closeIntermediate(NDList consumed, NDList produced, NDList callerInput) {
        if (consumed != callerInput && consumed.singletonOrThrow() != produced.singletonOrThrow()) {
            consumed.close();
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block block : blocks) {
            shapes = block.getOutputShapes(shapes);
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block block : blocks) {
            block.initialize(manager, dataType, shapes);
            shapes = block.getOutputShapes(shapes);
        }
    }
}
