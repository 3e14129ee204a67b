package dev.inceptionclassifier.inference;

import ai.djl.Device;
import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelRegistry;
import dev.inceptionclassifier.model.ServingDevices;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

/**
 * One {@link BatchScheduler} per model, with {@code workers} workers per device, each owning one Predictor. Built
 * and warmed up during start-up, so readiness is only reached once every worker has run every batch size. Stops
 * after the web server's graceful shutdown (a lower lifecycle phase) and drains what was accepted.
 *
 * <p>It also owns closing the models (the registry bean has no destroy method): a model is closed only once every
 * worker that used it has stopped. A worker stuck in a native call is never freed under it; that model is left to
 * the exiting process, with an error in the log.
 */
@Service
public class InferenceService implements SmartLifecycle, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(InferenceService.class);

    private final ModelRegistry registry;
    private final Map<String, BatchScheduler<float[], float[]>> schedulers = new LinkedHashMap<>();
    private final Duration drainTimeout;
    private volatile boolean running;
    private boolean closed;

    InferenceService(
            ModelRegistry registry,
            ServingDevices devices,
            InferenceSettings cfg,
            MeterRegistry meters,
            ObjectProvider<InferenceFaultHook> faultHook) {
        this.registry = registry;
        this.drainTimeout = cfg.drainTimeout();
        InferenceFaultHook hook = faultHook.getIfAvailable(() -> InferenceFaultHook.NONE);
        SchedulerSettings settings = new SchedulerSettings(
                cfg.maxBatchSize(),
                cfg.maxBatchDelay(),
                cfg.queueCapacity(),
                cfg.requestTimeout(),
                cfg.workerStopTimeout(),
                cfg.requestTimeout().multipliedBy(cfg.stuckBatchMultiple()));
        try {
            for (LoadedModel model : registry.all()) {
                int size = ServedModels.inputSize(model);
                List<Supplier<BatchProcessor<float[], float[]>>> factories = new ArrayList<>();
                for (Device device : devices.devices()) {
                    for (int w = 0; w < cfg.workers(); w++) {
                        factories.add(
                                () -> new PredictorProcessor(model.name(), model.model(device), device, size, hook));
                    }
                }
                long t0 = System.nanoTime();
                float[] blank = new float[3 * size * size];
                schedulers.put(
                        model.name(),
                        new BatchScheduler<>(
                                model.name(),
                                settings,
                                factories,
                                () -> blank,
                                new SchedulerMetrics(meters, model.name(), cfg.maxBatchSize())));
                log.info(
                        "model '{}': {} worker(s) warmed up (batch sizes 1..{}) in {} ms",
                        model.name(),
                        factories.size(),
                        cfg.maxBatchSize(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
        } catch (RuntimeException e) {
            closeAll(Duration.ZERO);
            throw e;
        }
        running = true;
    }

    /**
     * Queues one preprocessed image for {@code model}; never blocks. The future fails with {@link RejectedException}
     * (queue full, shutting down), {@link DeadlineExceededException} or {@link InferenceFailedException}.
     *
     * @param timeout the request's own deadline, capped at {@code classifier.inference.request-timeout}; null for it
     */
    public CompletableFuture<InferenceResult<float[]>> submit(String model, float[] input, Duration timeout) {
        BatchScheduler<float[], float[]> scheduler = schedulers.get(model);
        if (scheduler == null) {
            throw new IllegalArgumentException("no scheduler for model " + model);
        }
        return scheduler.submit(input, timeout);
    }

    /**
     * Whether {@code model}'s queue has room right now. Callers check it before decoding so that, under overload,
     * rejections are answered at once and no CPU is spent decoding images that would be refused anyway.
     */
    public boolean hasRoom(String model) {
        BatchScheduler<float[], float[]> s = schedulers.get(model);
        return s != null && s.hasRoom();
    }

    /** Requests waiting in {@code model}'s queue (0 for an unknown model). */
    public int queueDepth(String model) {
        BatchScheduler<float[], float[]> s = schedulers.get(model);
        return s == null ? 0 : s.queueDepth();
    }

    /** The workers of {@code model} now (none for an unknown model). */
    SchedulerHealth health(String model) {
        BatchScheduler<float[], float[]> s = schedulers.get(model);
        return s == null ? new SchedulerHealth(0, 0, 0, 0) : s.health(System.nanoTime());
    }

    /** False once shutdown has begun. */
    public boolean accepting() {
        return running;
    }

    @Override
    public void start() {
        running = !closed;
    }

    @Override
    public void stop() {
        running = false;
        long t0 = System.nanoTime();
        closeAll(drainTimeout);
        log.info("inference drained and stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /** Also covers a context that fails after this bean was built but before it was started. */
    @Override
    public void destroy() {
        running = false;
        closeAll(Duration.ZERO);
    }

    /**
     * Drains every model at once (so {@code drain} bounds the whole shutdown), then closes each model whose workers
     * all stopped. Idempotent.
     */
    private synchronized void closeAll(Duration drain) {
        if (closed) {
            return;
        }
        closed = true;
        List<Thread> drains = new ArrayList<>();
        schedulers.forEach((name, s) -> {
            Thread t = new Thread(() -> s.drain(drain), "drain-" + name);
            t.start();
            drains.add(t);
        });
        for (Thread t : drains) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (LoadedModel m : registry.all()) {
            BatchScheduler<float[], float[]> s = schedulers.get(m.name());
            if (s == null || s.workersStopped()) {
                m.close();
            } else {
                // Freeing weights under a running native call could crash the JVM; leaking them cannot.
                log.error(
                        "model '{}': a worker is still inside a batch after the shutdown waited for it; the model's"
                                + " native memory is NOT freed (it is left to the exiting process)",
                        m.name());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Below the web server's graceful-shutdown phase (DEFAULT_PHASE - 1024): stops after in-flight HTTP requests.
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
