package dev.inceptionclassifier.api;

import java.util.List;

import dev.inceptionclassifier.config.ClassifierProperties;
import dev.inceptionclassifier.image.PreprocessSpec;
import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelInfo;
import dev.inceptionclassifier.model.ModelRegistry;
import dev.inceptionclassifier.model.Task;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /models}: what is served, for which task, with which weights and preprocessing. Never throttled. */
@RestController
class ModelsController {

    private final ModelsResponse response;

    ModelsController(ModelRegistry registry, PreprocessSpecs preprocessing, ClassifierProperties props) {
        ClassifierProperties.Inference inf = props.inference();
        List<ModelsResponse.Model> models = registry.all().stream().map(m -> describe(m, preprocessing.of(m),
                preprocessing.preset(m))).toList();
        this.response = new ModelsResponse(registry.defaultModel(), models, new ModelsResponse.Inference(inf.device(),
                inf.workers(), inf.maxBatchSize(), inf.maxBatchDelay().toNanos() / 1e6, inf.queueCapacity(),
                inf.requestTimeout().toMillis(), inf.precision(), inf.execution()));
    }

    @GetMapping("/models")
    ModelsResponse models() {
        return response;
    }

    private static ModelsResponse.Model describe(LoadedModel m, PreprocessSpec p, String preset) {
        ModelInfo i = m.info();
        var pre = new ModelsResponse.Preprocessing(preset, i.preprocess().source(),
                p.squash() ? "squash" : "crop", p.squash() ? null : p.scaleSize(), p.cropPct(),
                p.interpolation().configName(), p.channelOrder().name(), p.valueRange(), p.mean(), p.std());
        return new ModelsResponse.Model(i.name(), i.architecture(), i.tasks().stream().map(Task::id).toList(),
                i.weights(), i.randomWeights(), i.randomWeights() ? ClassificationFlow.RANDOM_WEIGHTS_WARNING : null,
                i.numClasses(), i.labels(), p.inputSize(), pre, i.bnFolded(),
                m.devices().stream().map(Object::toString).toList(), i.precision(), i.execution());
    }
}
