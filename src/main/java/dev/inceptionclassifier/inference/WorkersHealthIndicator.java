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
 * The {@code workers} health contributor, part of the liveness group: DOWN when some model has no worker that can
 * serve, every one dead (and not replaced yet) or stuck in a batch past the threshold. A native call cannot be
 * cancelled, so such a model only comes back with a restart; a single stuck or dead worker among live ones only
 * takes readiness down ({@code models}).
 */
@Component("workers")
class WorkersHealthIndicator implements HealthIndicator {

    private final ModelRegistry registry;
    private final InferenceService inference;

    WorkersHealthIndicator(ModelRegistry registry, InferenceService inference) {
        this.registry = registry;
        this.inference = inference;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> unrecoverable = new ArrayList<>();
        for (LoadedModel m : registry.all()) {
            SchedulerHealth h = inference.health(m.name());
            details.put(m.name(), describe(h));
            if (!h.recoverable()) {
                unrecoverable.add(m.name());
            }
        }
        // After shutdown the workers are gone on purpose: that is not a reason to restart the pod.
        if (unrecoverable.isEmpty() || !inference.accepting()) {
            return Health.up().withDetails(details).build();
        }
        return Health.down()
                .withDetail("reason", "no worker can serve: " + String.join(", ", unrecoverable))
                .withDetails(details)
                .build();
    }

    static Map<String, Object> describe(SchedulerHealth h) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("workers", h.workers());
        d.put("liveWorkers", h.liveWorkers());
        d.put("stuckWorkers", h.stuckWorkers());
        d.put("longestBatchMs", h.longestBatchNanos() / 1_000_000);
        return d;
    }
}
