package dev.inceptionclassifier.inference;

import java.time.Duration;

/**
 * The batching scheduler's settings ({@code classifier.inference.*}, built by {@code config}); the properties'
 * javadoc says what each one means.
 *
 * @param workers workers per device and model
 * @param maxBatchSize largest batch one worker runs
 * @param maxBatchDelay longest the oldest queued request waits for a batch to fill
 * @param queueCapacity most requests queued per model
 * @param requestTimeout default and maximum deadline of a request
 * @param drainTimeout how long a graceful shutdown waits for accepted requests
 * @param workerStopTimeout how long a shutdown then waits for each model's workers
 * @param stuckBatchMultiple request timeouts after which a running batch counts as stuck
 */
public record InferenceSettings(
        int workers,
        int maxBatchSize,
        Duration maxBatchDelay,
        int queueCapacity,
        Duration requestTimeout,
        Duration drainTimeout,
        Duration workerStopTimeout,
        int stuckBatchMultiple) {}
