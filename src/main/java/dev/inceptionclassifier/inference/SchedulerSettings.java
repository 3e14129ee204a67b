package dev.inceptionclassifier.inference;

import java.time.Duration;

/**
 * Settings of one model's batch scheduler.
 *
 * @param maxBatchSize largest batch a worker runs
 * @param maxBatchDelay longest the oldest queued request waits for the batch to fill (Triton's max_queue_delay)
 * @param queueCapacity queued requests beyond which submissions are rejected
 * @param requestTimeout default and longest deadline of a request, counted from submission
 */
record SchedulerSettings(int maxBatchSize, Duration maxBatchDelay, int queueCapacity, Duration requestTimeout) {

    SchedulerSettings {
        if (maxBatchSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxBatchSize and queueCapacity must be positive");
        }
        if (maxBatchDelay.isNegative() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("delays must not be negative and the timeout must be positive");
        }
    }
}
