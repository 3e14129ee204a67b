package dev.inceptionclassifier.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * One preprocessed image (CHW float32) in, its logits out. Batching is DJL's STACK batchifier, driven by
 * {@code Predictor.batchPredict}; the NDArrays live in the predictor's per-batch manager and never escape.
 */
final class ClassifierTranslator implements Translator<float[], float[]> {

    private final Shape shape;
    private final DataType dataType;

    ClassifierTranslator(int inputSize, DataType dataType) {
        this.shape = new Shape(3, inputSize, inputSize);
        this.dataType = dataType;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] input) {
        NDArray x = ctx.getNDManager().create(input, shape);
        return new NDList(dataType == DataType.FLOAT32 ? x : x.toType(dataType, false));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        // TorchScript models may return a tuple; the logits come first.
        return list.get(0).toType(DataType.FLOAT32, false).toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }
}
