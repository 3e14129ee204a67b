package dev.inceptionclassifier.inference;

import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelInfo;
import dev.inceptionclassifier.model.ModelRegistry;
import dev.inceptionclassifier.model.core.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The model catalogue for the HTTP layer: every served model, in configuration order, the first the default. */
@Component
public class ServedModels {

    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final String defaultModel;

    ServedModels(ModelRegistry registry) {
        registry.all().forEach(m -> models.put(m.name(), view(m)));
        this.defaultModel = registry.defaultModel();
    }

    /** The model with that name, or the default model when {@code name} is null or blank. */
    public Optional<ServedModel> find(String name) {
        return Optional.ofNullable(models.get(name == null || name.isBlank() ? defaultModel : name));
    }

    public List<ServedModel> all() {
        return List.copyOf(models.values());
    }

    public String defaultModel() {
        return defaultModel;
    }

    /** The side of {@code m}'s square network input, in pixels. */
    static int inputSize(LoadedModel m) {
        return m.info().preprocess().inputSize();
    }

    private static ServedModel view(LoadedModel m) {
        ModelInfo i = m.info();
        var p = i.preprocess();
        var info = new ServedModel.Info(
                i.name(),
                i.architecture(),
                i.weights(),
                i.randomWeights(),
                i.numClasses(),
                i.labels(),
                new ServedModel.Preprocessing(
                        p.preset(),
                        p.inputSize(),
                        p.cropPct(),
                        p.squash(),
                        p.interpolation(),
                        p.mean(),
                        p.std(),
                        p.source()),
                i.bnFolded(),
                i.precision(),
                i.execution(),
                i.tasks().stream().map(Task::id).toList());
        return new ServedModel(
                info, m.labels(), m.devices().stream().map(Object::toString).toList());
    }
}
