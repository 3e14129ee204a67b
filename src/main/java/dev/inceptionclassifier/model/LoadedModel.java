package dev.inceptionclassifier.model;

import ai.djl.Device;
import ai.djl.Model;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model ready to serve: one DJL {@link Model} per device (a model's parameters live on one device), its labels and
 * what it is. Closing it frees the native memory of every device copy.
 */
public final class LoadedModel implements AutoCloseable {

    private final ModelInfo info;
    private final List<String> labels;
    private final Map<Device, Model> models;

    public LoadedModel(ModelInfo info, List<String> labels, Map<Device, Model> models) {
        if (labels.size() != info.numClasses()) {
            throw new IllegalArgumentException(
                    "model " + info.name() + " has " + info.numClasses() + " classes but " + labels.size() + " labels");
        }
        this.info = info;
        this.labels = List.copyOf(labels);
        this.models = Map.copyOf(models);
    }

    public ModelInfo info() {
        return info;
    }

    public String name() {
        return info.name();
    }

    /** Label of each class index. */
    public List<String> labels() {
        return labels;
    }

    public Set<Device> devices() {
        return models.keySet();
    }

    /** The DJL model on {@code device}; workers create their own Predictor from it. */
    public Model model(Device device) {
        Model m = models.get(device);
        if (m == null) {
            throw new IllegalArgumentException("model " + info.name() + " is not loaded on " + device);
        }
        return m;
    }

    @Override
    public void close() {
        models.values().forEach(Model::close);
    }
}
