package dev.inceptionclassifier.model.arch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A feature extractor as a list of named stages (timm's module names), then global average pooling and a linear
 * classifier: NDList([N,3,H,W]) to NDList(logits [N, numClasses]). Dropout (p=0 in timm) is omitted.
 */
final class StagedNetwork extends AbstractBlock {

    private final List<String> stageNames = new ArrayList<>();
    private final List<Block> stages = new ArrayList<>();
    private final String classifierName;
    private Linear classifier;

    StagedNetwork(String classifierName) {
        this.classifierName = classifierName;
    }

    StagedNetwork stage(String name, Block block) {
        stageNames.add(name);
        stages.add(addChildBlock(name, block));
        return this;
    }

    /** Adds the classifier; called last so that its keys come last, as in timm's state dict. */
    StagedNetwork classifier(KeyedParameters keys, int features, int numClasses) {
        classifier = addChildBlock(classifierName, Linear.builder().setUnits(numClasses).optBias(true).build());
        keys.stateEntry(classifierName + ".weight", numClasses, features);
        keys.stateEntry(classifierName + ".bias", numClasses);
        keys.bind(classifierName + ".weight", classifier.getDirectParameters().get("weight"), numClasses, features);
        keys.bind(classifierName + ".bias", classifier.getDirectParameters().get("bias"), numClasses);
        return this;
    }

    List<String> stageNames() {
        return Collections.unmodifiableList(stageNames);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList x = inputs;
        for (Block stage : stages) {
            NDList next = stage.forward(ps, x, training, params);
            Chain.closeIntermediate(x, next, inputs);
            x = next;
        }
        return head(ps, x, training, params);
    }

    /** Runs every stage and the head, returning each stage's output followed by the logits (for checks). */
    NDList forwardStages(ParameterStore ps, NDList inputs) {
        NDList outputs = new NDList();
        NDList x = inputs;
        for (Block stage : stages) {
            x = stage.forward(ps, x, false, null);
            outputs.add(x.singletonOrThrow());
        }
        outputs.add(head(ps, x, false, null).singletonOrThrow());
        return outputs;
    }

    private NDList head(ParameterStore ps, NDList features, boolean training, PairList<String, Object> params) {
        NDArray pooled = Pool.globalAvgPool2d(features.singletonOrThrow()); // [N, C]
        NDList logits = classifier.forward(ps, new NDList(pooled), training, params);
        pooled.close();
        return logits;
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
        return classifier.getOutputShapes(new Shape[] {new Shape(shapes[0].get(0), shapes[0].get(1))});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block stage : stages) {
            stage.initialize(manager, dataType, shapes);
            shapes = stage.getOutputShapes(shapes);
        }
        classifier.initialize(manager, dataType, new Shape(shapes[0].get(0), shapes[0].get(1)));
    }
}
