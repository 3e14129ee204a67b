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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A feature extractor as a list of named stages (the reference's module names), then a head (global average pool
 * and a linear classifier for timm's nets): NDList([N,3,H,W]) to NDList(output [N, outputs]).
 */
final class StagedNetwork extends AbstractBlock {

    private final List<String> stageNames = new ArrayList<>();
    private final List<Block> stages = new ArrayList<>();
    private Block head;

    StagedNetwork stage(String name, Block block) {
        stageNames.add(name);
        stages.add(addChildBlock(name, block));
        return this;
    }

    /** Adds the head; called last so that its parameters come last, as in the checkpoint. */
    StagedNetwork head(Block block) {
        head = addChildBlock("head", block);
        return this;
    }

    List<String> stageNames() {
        return Collections.unmodifiableList(stageNames);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (Block stage : stages) {
            NDList next = stage.forward(ps, x, training, params);
            Chain.closeIntermediate(x, next, inputs);
            x = next;
        }
        NDList out = head.forward(ps, x, training, params);
        Chain.closeIntermediate(x, out, inputs);
        return out;
    }

    /** Runs every stage and the head, returning each stage's output followed by the head's (for checks). */
    NDList forwardStages(ParameterStore ps, NDList inputs) {
        NDList outputs = new NDList();
        NDList x = inputs;
        for (Block stage : stages) {
            x = stage.forward(ps, x, false, null);
            outputs.add(x.singletonOrThrow());
        }
        outputs.add(head.forward(ps, x, false, null).singletonOrThrow());
        return outputs;
    }

    LinkedHashMap<String, Shape> stageOutputShapes(Shape input) {
        LinkedHashMap<String, Shape> out = new LinkedHashMap<>();
        Shape[] shapes = {input};
        for (int i = 0; i < stages.size(); i++) {
            shapes = stages.get(i).getOutputShapes(shapes);
            out.put(stageNames.get(i), shapes[0]);
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block stage : stages) {
            shapes = stage.getOutputShapes(shapes);
        }
        return head.getOutputShapes(shapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block stage : stages) {
            stage.initialize(manager, dataType, shapes);
            shapes = stage.getOutputShapes(shapes);
        }
        head.initialize(manager, dataType, shapes);
    }
}
