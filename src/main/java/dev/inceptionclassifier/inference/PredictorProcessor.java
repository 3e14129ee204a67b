package dev.inceptionclassifier.inference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import java.util.List;

/** A worker's DJL Predictor: the only place that calls {@code batchPredict}. */
final class PredictorProcessor implements BatchProcessor<float[], float[]> {

    private final Predictor<float[], float[]> predictor;
    private final String device;
    private final String model;
    private final InferenceFaultHook faultHook;

    PredictorProcessor(String modelName, Model model, Device device, int inputSize, InferenceFaultHook faultHook) {
        this.predictor = model.newPredictor(new ClassifierTranslator(inputSize), device);
        this.device = device.toString();
        this.model = modelName;
        this.faultHook = faultHook;
    }

    @Override
    public List<float[]> process(List<float[]> inputs) throws Exception {
        faultHook.beforeBatch(model, inputs);
        return predictor.batchPredict(inputs);
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public void close() {
        predictor.close();
    }
}
