package dev.inceptionclassifier.inference;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * One preprocessed image (CHW float32) in, its logits out. Batching is DJL's STACK batchifier, driven by
 * {@code Predictor.batchPredict}; the NDArrays live in the predictor's per-batch manager and never escape. The input
 * is always float32: a compiled model casts to its precision inside its own program.
 */
final class ClassifierTranslator implements Translator<float[], float[]> {

    private final Shape shape;

    ClassifierTranslator(int inputSize) {
        this.shape = new Shape(3, inputSize, inputSize);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] input) {
        return new NDList(ctx.getNDManager().create(input, shape));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        // TorchScript models may return a tuple (the logits first) and in another type than float32.
        return list.get(0).toType(DataType.FLOAT32, false).toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }
}
