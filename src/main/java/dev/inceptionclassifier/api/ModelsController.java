package dev.inceptionclassifier.api;

import dev.inceptionclassifier.image.PreprocessSpec;
import dev.inceptionclassifier.inference.ServedModel;
import dev.inceptionclassifier.inference.ServedModels;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /models}: what is served, for which task, with which weights and preprocessing. Never throttled. */
@RestController
class ModelsController {

    private final ModelsResponse response;

    ModelsController(ServedModels registry, PreprocessSpecs preprocessing, ApiSettings settings) {
        ApiSettings.Serving inf = settings.serving();
        List<ModelsResponse.Model> models = registry.all().stream()
                .map(m -> describe(m, preprocessing.of(m), preprocessing.preset(m)))
                .toList();
        this.response = new ModelsResponse(
                registry.defaultModel(),
                models,
                new ModelsResponse.Inference(
                        inf.device(),
                        inf.workersPerDevice(),
                        inf.maxBatchSize(),
                        inf.maxBatchDelay().toNanos() / 1e6,
                        inf.queueCapacity(),
                        inf.requestTimeout().toMillis(),
                        inf.precision(),
                        inf.execution()));
    }

    @GetMapping("/models")
    ModelsResponse models() {
        return response;
    }

    private static ModelsResponse.Model describe(ServedModel m, PreprocessSpec p, String preset) {
        ServedModel.Info i = m.info();
        var pre = new ModelsResponse.Preprocessing(
                preset,
                i.preprocess().source(),
                p.squash() ? "squash" : "crop",
                p.squash() ? null : p.scaleSize(),
                p.cropPct(),
                p.interpolation().configName(),
                p.channelOrder().name(),
                p.valueRange(),
                p.mean(),
                p.std());
        return new ModelsResponse.Model(
                i.name(),
                i.architecture(),
                i.tasks(),
                i.weights(),
                i.randomWeights(),
                i.randomWeights() ? ClassificationFlow.RANDOM_WEIGHTS_WARNING : null,
                i.numClasses(),
                i.labels(),
                p.inputSize(),
                pre,
                i.bnFolded(),
                m.devices(),
                i.precision(),
                i.execution());
    }
}
