package dev.inceptionclassifier.inference;

import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code models} health contributor, part of the readiness group: UP once every model is loaded and its workers
 * warmed up (which happens before the web server starts) while every model has a live worker and no batch running
 * past the stuck threshold ({@code stuck-batch-multiple} x {@code request-timeout}); DOWN otherwise, and once
 * shutdown begins. Its details say which weights each model serves, so random weights are visible to operators too.
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
        List<String> notReady = new ArrayList<>();
        for (LoadedModel m : registry.all()) {
            SchedulerHealth h = inference.health(m.name());
            if (!h.ready()) {
                notReady.add(m.name());
            }
            Map<String, Object> d = new LinkedHashMap<>(WorkersHealthIndicator.describe(h));
            d.put("weights", m.info().weights());
            d.put("randomWeights", m.info().randomWeights());
            d.put("queueDepth", inference.queueDepth(m.name()));
            details.put(m.name(), d);
        }
        Health.Builder b;
        if (!inference.accepting()) {
            b = Health.down().withDetail("reason", "shutting down");
        } else if (!notReady.isEmpty()) {
            b = Health.down().withDetail("reason", "no live worker or a stuck batch: " + String.join(", ", notReady));
        } else {
            b = Health.up();
        }
        return b.withDetails(details).build();
    }
}
