package dev.inceptionclassifier.inference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The meters of one model's scheduler, named as documented in docs/metrics.md. Timers and the batch-size summary publish
 * percentile histograms so quantiles can be aggregated across pods.
 */
final class SchedulerMetrics {

    private final MeterRegistry registry;
    private final String model;
    private final Timer queueWait;
    private final DistributionSummary batchSize;
    private final Counter workerRestarts;
    private final ConcurrentHashMap<String, Timer> inference = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> batches = new ConcurrentHashMap<>();

    SchedulerMetrics(MeterRegistry registry, String model, int maxBatchSize) {
        this.registry = registry;
        this.model = model;
        this.queueWait = Timer.builder("classifier.queue.wait")
                .description("Time a request waited in the queue before its batch started")
                .tag("model", model)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        this.batchSize = DistributionSummary.builder("classifier.batch.size")
                .description("Images per executed batch")
                .tag("model", model)
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue((double) Math.max(2, maxBatchSize))
                .register(registry);
        this.workerRestarts = Counter.builder("classifier.worker.restarts")
                .description("Workers replaced after they died")
                .tag("model", model)
                .register(registry);
    }

    void gauges(Supplier<Number> queueDepth, Supplier<Number> inflight, Supplier<Number> idle, Supplier<Number> busy) {
        Gauge.builder("classifier.queue.depth", queueDepth)
                .description("Requests waiting in the queue")
                .tag("model", model)
                .register(registry);
        Gauge.builder("classifier.inflight", inflight)
                .description("Accepted requests not yet answered")
                .tag("model", model)
                .register(registry);
        Gauge.builder("classifier.workers", idle)
                .description("Workers by state")
                .tag("model", model)
                .tag("state", "idle")
                .register(registry);
        Gauge.builder("classifier.workers", busy)
                .description("Workers by state")
                .tag("model", model)
                .tag("state", "busy")
                .register(registry);
    }

    void queueWait(long nanos) {
        queueWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    void batch(String device, int size, long nanos) {
        batchSize.record(size);
        inference
                .computeIfAbsent(
                        device,
                        d -> Timer.builder("classifier.inference")
                                .description("Time of one batch through the model")
                                .tag("model", model)
                                .tag("device", d)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofNanos(100_000))
                                .maximumExpectedValue(Duration.ofSeconds(60))
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
        batches.computeIfAbsent(
                        device,
                        d -> Counter.builder("classifier.batches")
                                .description("Batches executed")
                                .tag("model", model)
                                .tag("device", d)
                                .register(registry))
                .increment();
    }

    void workerRestarted() {
        workerRestarts.increment();
    }
}
