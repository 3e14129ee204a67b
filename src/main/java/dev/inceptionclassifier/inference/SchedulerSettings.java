package dev.inceptionclassifier.inference;

import java.time.Duration;

/**
 * Settings of one model's batch scheduler.
 *
 * @param maxBatchSize largest batch a worker runs
 * @param maxBatchDelay longest the oldest queued request waits for the batch to fill (Triton's max_queue_delay)
 * @param queueCapacity queued requests beyond which submissions are rejected
 * @param requestTimeout default and longest deadline of a request, counted from submission
 * @param workerStopTimeout how long a shutdown waits for the workers to finish their batch and stop
 * @param stuckBatchAfter a batch running longer than this counts as stuck (health DOWN)
 */
record SchedulerSettings(
        int maxBatchSize,
        Duration maxBatchDelay,
        int queueCapacity,
        Duration requestTimeout,
        Duration workerStopTimeout,
        Duration stuckBatchAfter) {

    SchedulerSettings {
        if (maxBatchSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxBatchSize and queueCapacity must be positive");
        }
        if (maxBatchDelay.isNegative()
                || requestTimeout.isNegative()
                || requestTimeout.isZero()
                || workerStopTimeout.isNegative()
                || stuckBatchAfter.isNegative()
                || stuckBatchAfter.isZero()) {
            throw new IllegalArgumentException("delays must not be negative and the timeouts must be positive");
        }
    }
}
