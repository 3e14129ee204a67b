package dev.inceptionclassifier.inference;

/**
 * The workers of one model's scheduler at one moment.
 *
 * @param workers configured workers
 * @param liveWorkers workers whose thread runs and has not died (a dead one counts as not live until it is replaced)
 * @param stuckWorkers live workers whose current batch has run longer than the stuck-batch threshold
 * @param longestBatchNanos how long the longest batch running now has run (0 when all are idle)
 */
record SchedulerHealth(int workers, int liveWorkers, int stuckWorkers, long longestBatchNanos) {

    /** Fit to take traffic: at least one live worker and no batch past the threshold. Readiness follows this. */
    boolean ready() {
        return liveWorkers > 0 && stuckWorkers == 0;
    }

    /**
     * Able to recover without a restart: some live worker is not stuck. When every worker is dead (and could not be
     * replaced yet) or stuck in a native call that cannot be cancelled, only a restart brings the model back.
     */
    boolean recoverable() {
        return liveWorkers - stuckWorkers > 0;
    }
}
