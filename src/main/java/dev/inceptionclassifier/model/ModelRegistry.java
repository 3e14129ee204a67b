package dev.inceptionclassifier.model;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every configured model, loaded at start-up in configuration order. The first one is the default. Loading fails
 * the start with a {@link ModelLoadException} naming the model and the cause; closing frees all native memory.
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    private final Map<String, LoadedModel> models;
    private final String defaultModel;

    public ModelRegistry(List<LoadedModel> loaded) {
        if (loaded.isEmpty()) {
            throw new IllegalArgumentException("no models configured");
        }
        Map<String, LoadedModel> map = new LinkedHashMap<>();
        loaded.forEach(m -> map.put(m.name(), m));
        this.models = map;
        this.defaultModel = loaded.get(0).name();
    }

    /** Loads every configured model on every device; on failure closes what was already loaded. */
    public static ModelRegistry load(List<ModelSettings> models, ModelLoader loader, List<Device> devices) {
        List<LoadedModel> loaded = new ArrayList<>();
        try {
            for (ModelSettings p : models) {
                long t0 = System.nanoTime();
                LoadedModel m = loader.load(p, devices);
                loaded.add(m);
                log.info(
                        "model '{}' loaded in {} ms: {} with {} on {}, {} {}; {} classes; preprocessing {}",
                        m.name(),
                        (System.nanoTime() - t0) / 1_000_000,
                        m.info().architecture(),
                        m.info().weights(),
                        devices,
                        m.info().execution(),
                        m.info().precision(),
                        m.info().numClasses(),
                        m.info().preprocess());
            }
        } catch (RuntimeException e) {
            loaded.forEach(LoadedModel::close);
            throw e;
        }
        return new ModelRegistry(loaded);
    }

    /** The model with that name, or the default model when {@code name} is null or blank. */
    public Optional<LoadedModel> find(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of(models.get(defaultModel));
        }
        return Optional.ofNullable(models.get(name));
    }

    public List<LoadedModel> all() {
        return List.copyOf(models.values());
    }

    public String defaultModel() {
        return defaultModel;
    }

    @Override
    public void close() {
        models.values().forEach(LoadedModel::close);
    }
}
