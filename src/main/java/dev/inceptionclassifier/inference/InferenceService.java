package dev.inceptionclassifier.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Supplier;

import ai.djl.Device;
import dev.inceptionclassifier.config.ClassifierProperties;
import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelRegistry;
import dev.inceptionclassifier.model.ServingDevices;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

/**
 * One {@link BatchScheduler} per model, with {@code workers} workers per device, each owning one Predictor. Built
 * and warmed up during start-up, so readiness is only reached once every worker has run every batch size. Stops
 * after the web server's graceful shutdown (a lower lifecycle phase) and drains what was accepted.
 */
@Service
public class InferenceService implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InferenceService.class);

    private final Map<String, BatchScheduler<float[], float[]>> schedulers = new LinkedHashMap<>();
    private final ScheduledExecutorService deadlines;
    private final Duration drainTimeout;
    private volatile boolean running;

    public InferenceService(ModelRegistry registry, ServingDevices devices, ClassifierProperties props,
            MeterRegistry meters, ObjectProvider<InferenceFaultHook> faultHook) {
        ClassifierProperties.Inference cfg = props.inference();
        this.drainTimeout = cfg.drainTimeout();
        ScheduledThreadPoolExecutor timer = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "request-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.deadlines = timer;
        InferenceFaultHook hook = faultHook.getIfAvailable(() -> InferenceFaultHook.NONE);
        SchedulerSettings settings = new SchedulerSettings(cfg.maxBatchSize(), cfg.maxBatchDelay(),
                cfg.queueCapacity(), cfg.requestTimeout());
        try {
            for (LoadedModel model : registry.all()) {
                int size = model.info().preprocess().inputSize();
                List<Supplier<BatchProcessor<float[], float[]>>> factories = new ArrayList<>();
                for (Device device : devices.devices()) {
                    for (int w = 0; w < cfg.workers(); w++) {
                        factories.add(() -> new PredictorProcessor(model.name(), model.model(device), device, size,
                                hook));
                    }
                }
                long t0 = System.nanoTime();
                float[] blank = new float[3 * size * size];
                schedulers.put(model.name(), new BatchScheduler<>(model.name(), settings, factories, () -> blank,
                        deadlines, new SchedulerMetrics(meters, model.name(), cfg.maxBatchSize())));
                log.info("model '{}': {} worker(s) warmed up (batch sizes 1..{}) in {} ms", model.name(),
                        factories.size(), cfg.maxBatchSize(), (System.nanoTime() - t0) / 1_000_000);
            }
        } catch (RuntimeException e) {
            schedulers.values().forEach(BatchScheduler::close);
            deadlines.shutdownNow();
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

    /** False once shutdown has begun. */
    public boolean accepting() {
        return running;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        long t0 = System.nanoTime();
        // Drain all models at once so the drain timeout bounds the whole shutdown.
        List<Thread> drains = new ArrayList<>();
        schedulers.forEach((name, s) -> {
            Thread t = new Thread(() -> s.drain(drainTimeout), "drain-" + name);
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
        deadlines.shutdown();
        log.info("inference drained and stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
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
