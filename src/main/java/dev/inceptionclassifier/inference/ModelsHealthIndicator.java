package dev.inceptionclassifier.inference;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelRegistry;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code models} health contributor, part of the readiness group: UP once every model is loaded and its workers
 * warmed up (which happens before the web server starts), DOWN once shutdown begins. Its details say which weights
 * each model serves, so random weights are visible to operators too.
 */
@Component("models")
class ModelsHealthIndicator implements HealthIndicator {

    private final ModelRegistry registry;
    private final InferenceService inference;

    ModelsHealthIndicator(ModelRegistry registry, InferenceService inference) {
        this.registry = registry;
        this.inference = inference;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        for (LoadedModel m : registry.all()) {
            details.put(m.name(), Map.of("weights", m.info().weights(), "randomWeights", m.info().randomWeights(),
                    "queueDepth", inference.queueDepth(m.name())));
        }
        Health.Builder b = inference.accepting() ? Health.up() : Health.down().withDetail("reason", "shutting down");
        return b.withDetails(details).build();
    }
}
