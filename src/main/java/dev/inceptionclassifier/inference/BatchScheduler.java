package dev.inceptionclassifier.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns concurrent submissions for one model into batches, after DJL Serving's {@code wlm} and Triton's dynamic
 * batcher: a bounded queue that rejects at once when full, workers that each own one {@link BatchProcessor}, a batch
 * that closes when it is full or when its oldest request has waited {@code maxBatchDelay}, and deadlines that
 * complete a request with {@link DeadlineExceededException} (a request that expired in the queue is never computed).
 *
 * <p>Every accepted request gets exactly one answer: its result, its batch's failure, its deadline, or (when it is
 * still queued once the workers have stopped) a shutting-down rejection. The {@link State} changes under a write lock
 * while a submission checks the state and offers under the read lock, so no offer can slip in after the final sweep
 * of the queue. Deadlines are {@link CompletableFuture#orTimeout}: the JDK's own timer, never shut down, cancelled by
 * the completion itself, so there is no race between answering and cancelling.
 *
 * @param <I> one item's input
 * @param <O> one item's output
 */
final class BatchScheduler<I, O> implements AutoCloseable {

    /** The life of a scheduler; it only moves forward. */
    enum State {
        /** Accepting submissions. */
        RUNNING,
        /** Refusing new submissions; the workers still answer everything accepted. */
        DRAINING,
        /** Workers told to stop; what is left in the queue is answered with a shutting-down rejection. */
        CLOSED
    }

    private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);
    private static final long NOT_BUSY = Long.MIN_VALUE;
    private static final long MAX_REPLACE_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String name;
    private final SchedulerSettings settings;
    private final BlockingQueue<Job<I, O>> queue;
    private final SchedulerMetrics metrics;
    private final List<Supplier<BatchProcessor<I, O>>> processorFactories;
    /** The current worker of each slot; a dead one stays (marked dead) until its replacement starts. */
    private final AtomicReferenceArray<Worker> slots;

    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final Outcomes outcomes = new Outcomes();
    /** Write-locked for a state change; read-locked by a submission from its state check until its offer. */
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();

    private final Runnable beforeOffer;
    private volatile State state = State.RUNNING;

    /**
     * Creates the workers: one per factory, each calling its factory once (and again if the worker dies).
     * Workers warm up (one batch of every size up to the maximum) before this constructor returns.
     */
    BatchScheduler(
            String name,
            SchedulerSettings settings,
            List<Supplier<BatchProcessor<I, O>>> processorFactories,
            Supplier<I> warmupInput,
            SchedulerMetrics metrics) {
        this(name, settings, processorFactories, warmupInput, metrics, () -> {});
    }

    /** As above, with {@code beforeOffer} run between a submission's state check and its offer (tests widen it). */
    BatchScheduler(
            String name,
            SchedulerSettings settings,
            List<Supplier<BatchProcessor<I, O>>> processorFactories,
            Supplier<I> warmupInput,
            SchedulerMetrics metrics,
            Runnable beforeOffer) {
        this.beforeOffer = beforeOffer;
        this.name = name;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.metrics = metrics;
        this.processorFactories = List.copyOf(processorFactories);
        this.slots = new AtomicReferenceArray<>(this.processorFactories.size());
        metrics.gauges(
                queue::size, inflight::get, () -> health(System.nanoTime()).liveWorkers() - busy.get(), busy::get);
        try {
            for (int i = 0; i < this.processorFactories.size(); i++) {
                BatchProcessor<I, O> processor = this.processorFactories.get(i).get();
                if (warmupInput != null) {
                    warmUp(processor, warmupInput);
                }
                startWorker(i, processor);
            }
        } catch (RuntimeException e) {
            shutdown();
            throw e;
        }
    }

    private void warmUp(BatchProcessor<I, O> processor, Supplier<I> input) {
        for (int size = 1; size <= settings.maxBatchSize(); size++) {
            List<I> batch = new ArrayList<>(size);
            for (int j = 0; j < size; j++) {
                batch.add(input.get());
            }
            try {
                processor.process(batch);
            } catch (Exception e) {
                processor.close();
                throw new IllegalStateException("warm-up of model " + name + " failed at batch size " + size, e);
            }
        }
    }

    private void startWorker(int slot, BatchProcessor<I, O> processor) {
        Worker worker = new Worker(slot, processor);
        Thread thread = new Thread(worker, "infer-" + name + "-" + slot);
        thread.setDaemon(true);
        worker.thread = thread;
        slots.set(slot, worker);
        thread.start();
    }

    /**
     * Queues one input. Never blocks: a full queue or a scheduler that is no longer running gives a future already
     * failed with {@link RejectedException}.
     *
     * @param timeout the request's deadline, capped at the configured request timeout; null for the default
     */
    CompletableFuture<InferenceResult<O>> submit(I input, Duration timeout) {
        Duration limit = settings.requestTimeout();
        // Compare Durations, not nanos: a client's P200000D does not fit in a long of nanoseconds.
        long timeoutNanos = (timeout == null || timeout.compareTo(limit) >= 0 ? limit : timeout).toNanos();
        Job<I, O> job = new Job<>(input, System.nanoTime(), Math.max(0, timeoutNanos));
        stateLock.readLock().lock();
        try {
            if (state != State.RUNNING) {
                return CompletableFuture.failedFuture(new RejectedException("the service is shutting down", true));
            }
            beforeOffer.run();
            if (!queue.offer(job)) {
                return CompletableFuture.failedFuture(new RejectedException("queue full for model " + name, false));
            }
            inflight.incrementAndGet();
            outcomes.accepted.increment();
        } finally {
            stateLock.readLock().unlock();
        }
        job.future.whenComplete((r, e) -> {
            outcomes.record(e);
            inflight.decrementAndGet();
        });
        job.future.orTimeout(job.timeoutNanos, TimeUnit.NANOSECONDS);
        return job.future.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                e instanceof TimeoutException
                        ? new DeadlineExceededException(
                                "request deadline of " + TimeUnit.NANOSECONDS.toMillis(job.timeoutNanos) + " ms passed")
                        : e));
    }

    int queueDepth() {
        return queue.size();
    }

    /** Whether a submission now would find room; a hint only, {@link #submit} decides. */
    boolean hasRoom() {
        return state == State.RUNNING && queue.remainingCapacity() > 0;
    }

    int inflight() {
        return inflight.get();
    }

    State state() {
        return state;
    }

    /** How many requests were accepted and how each was answered so far. */
    Counts counts() {
        return outcomes.snapshot();
    }

    /**
     * Requests counted from the scheduler's side.
     *
     * @param accepted submissions that were queued
     * @param ok answered with a result
     * @param deadline answered by their deadline
     * @param failed answered with their batch's failure
     * @param shutDown still queued when the workers stopped, answered with a shutting-down rejection
     */
    record Counts(long accepted, long ok, long deadline, long failed, long shutDown) {

        long answered() {
            return ok + deadline + failed + shutDown;
        }

        @Override
        public String toString() {
            return "accepted " + accepted + ", answered " + answered() + " (ok " + ok + ", deadline " + deadline
                    + ", failed " + failed + ", rejected at shutdown " + shutDown + ")";
        }
    }

    /**
     * Stops accepting, waits up to {@code drainTimeout} for accepted requests, then stops the workers
     * ({@link #shutdown()}).
     *
     * @return whether every worker stopped
     */
    boolean drain(Duration drainTimeout) {
        advance(State.DRAINING);
        long until = System.nanoTime() + drainTimeout.toNanos();
        while (inflight.get() > 0 && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return shutdown();
    }

    /**
     * Stops the workers: each finishes the batch it runs and exits. Waits up to {@code workerStopTimeout} for them,
     * then answers whatever is still queued with a shutting-down rejection. A request in a batch that does not end
     * is answered by its deadline.
     *
     * @return whether every worker stopped; if not, its processor (and the model under it) is still in use
     */
    boolean shutdown() {
        boolean first = advance(State.CLOSED);
        long until = System.nanoTime() + settings.workerStopTimeout().toNanos();
        boolean stopped = true;
        for (int i = 0; i < slots.length(); i++) {
            Worker w = slots.get(i);
            if (w == null) {
                continue;
            }
            try {
                w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped &= !w.thread.isAlive();
        }
        // No offer can happen any more (state is CLOSED): this sweep sees every job no worker took.
        for (Job<I, O> job; (job = queue.poll()) != null; ) {
            job.future.completeExceptionally(new RejectedException("the service is shutting down", true));
        }
        if (first) {
            int left = inflight.get();
            log.info(
                    "model {}: scheduler stopped; {}; {} in a batch still running{}",
                    name,
                    counts(),
                    left,
                    left > 0 ? " (each is answered by its deadline)" : "");
        }
        return stopped;
    }

    @Override
    public void close() {
        shutdown();
    }

    /** Whether every worker thread has ended. */
    boolean workersStopped() {
        for (int i = 0; i < slots.length(); i++) {
            Worker w = slots.get(i);
            if (w != null && w.thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** The workers' state now: how many are alive, and how many run a batch longer than the stuck threshold. */
    SchedulerHealth health(long nowNanos) {
        int live = 0;
        int stuck = 0;
        long longest = 0;
        for (int i = 0; i < slots.length(); i++) {
            Worker w = slots.get(i);
            if (w == null || w.dead || !w.thread.isAlive()) {
                continue;
            }
            live++;
            long since = w.busySince;
            if (since != NOT_BUSY) {
                long running = nowNanos - since;
                longest = Math.max(longest, running);
                if (running > settings.stuckBatchAfter().toNanos()) {
                    stuck++;
                }
            }
        }
        return new SchedulerHealth(slots.length(), live, stuck, longest);
    }

    /** Moves the state forward to {@code to}; false if it was already there or beyond. */
    private boolean advance(State to) {
        stateLock.writeLock().lock();
        try {
            if (state.compareTo(to) >= 0) {
                return false;
            }
            state = to;
            return true;
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    /**
     * Takes the oldest live request, then more while the batch has room and the oldest has waited less than the
     * delay. Empty only once the scheduler is closed.
     */
    private List<Job<I, O>> nextBatch() {
        List<Job<I, O>> batch = new ArrayList<>(settings.maxBatchSize());
        try {
            while (batch.isEmpty()) {
                Job<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null && state == State.CLOSED) {
                    return batch;
                }
                if (first != null && !first.future.isDone()) {
                    batch.add(first);
                }
            }
            long flushAt = batch.get(0).enqueued + settings.maxBatchDelay().toNanos();
            while (batch.size() < settings.maxBatchSize()) {
                long wait = flushAt - System.nanoTime();
                Job<I, O> next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                if (next == null) {
                    break;
                }
                if (!next.future.isDone()) {
                    batch.add(next);
                }
            }
        } catch (InterruptedException e) {
            // Nothing here interrupts a worker to stop it (it watches the state); the jobs it took are run, not lost.
            log.warn(
                    "worker of model {} interrupted while collecting a batch; running the {} request(s) it took",
                    name,
                    batch.size());
        }
        return batch;
    }

    private void execute(List<Job<I, O>> batch, BatchProcessor<I, O> processor) {
        long start = System.nanoTime();
        List<I> inputs = new ArrayList<>(batch.size());
        for (Job<I, O> job : batch) {
            metrics.queueWait(start - job.enqueued);
            inputs.add(job.input);
        }
        List<O> outputs;
        try {
            outputs = processor.process(inputs);
            if (outputs.size() != inputs.size()) {
                throw new IllegalStateException("batch of " + inputs.size() + " gave " + outputs.size() + " outputs");
            }
        } catch (Exception e) {
            boolean oom = isOutOfMemory(e);
            log.error("batch of {} for model {} failed{}", batch.size(), name, oom ? " (out of memory)" : "", e);
            InferenceFailedException failure = new InferenceFailedException(
                    oom ? "the model ran out of memory; retry later" : "inference failed", e, oom);
            batch.forEach(job -> job.future.completeExceptionally(failure));
            return;
        }
        long nanos = System.nanoTime() - start;
        metrics.batch(processor.device(), batch.size(), nanos);
        for (int i = 0; i < batch.size(); i++) {
            Job<I, O> job = batch.get(i);
            job.future.complete(new InferenceResult<>(
                    outputs.get(i), start - job.enqueued, nanos, batch.size(), processor.device()));
        }
    }

    private static boolean isOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof OutOfMemoryError
                    || m != null
                            && (m.contains("out of memory")
                                    || m.contains("can't allocate memory")
                                    || m.contains("CUDA error: out of memory"))) {
                return true;
            }
        }
        return false;
    }

    private static final class Job<I, O> {
        final I input;
        final long enqueued;
        final long timeoutNanos;
        final CompletableFuture<InferenceResult<O>> future = new CompletableFuture<>();

        Job(I input, long enqueued, long timeoutNanos) {
            this.input = input;
            this.enqueued = enqueued;
            this.timeoutNanos = timeoutNanos;
        }
    }

    /** How the accepted requests were answered, for the log line at shutdown (counted from the scheduler's side). */
    private static final class Outcomes {
        final LongAdder accepted = new LongAdder();
        final LongAdder ok = new LongAdder();
        final LongAdder deadline = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder shutDown = new LongAdder();

        void record(Throwable e) {
            if (e == null) {
                ok.increment();
            } else if (e instanceof TimeoutException) {
                deadline.increment();
            } else if (e instanceof RejectedException) {
                shutDown.increment();
            } else {
                failed.increment();
            }
        }

        Counts snapshot() {
            return new Counts(accepted.sum(), ok.sum(), deadline.sum(), failed.sum(), shutDown.sum());
        }
    }

    private final class Worker implements Runnable {
        private final int slot;
        private final BatchProcessor<I, O> processor;
        volatile Thread thread;
        /** nanoTime when the running batch started, or {@link #NOT_BUSY}. */
        volatile long busySince = NOT_BUSY;
        /** Set when the worker died; its thread then only looks for a replacement. */
        volatile boolean dead;

        Worker(int slot, BatchProcessor<I, O> processor) {
            this.slot = slot;
            this.processor = processor;
        }

        @Override
        public void run() {
            List<Job<I, O>> batch = List.of();
            try {
                while (state != State.CLOSED) {
                    batch = nextBatch();
                    if (batch.isEmpty()) {
                        continue;
                    }
                    busy.incrementAndGet();
                    busySince = System.nanoTime();
                    try {
                        execute(batch, processor);
                    } finally {
                        busySince = NOT_BUSY;
                        busy.decrementAndGet();
                    }
                    batch = List.of();
                }
            } catch (Throwable t) {
                // An Error escaped a batch: this worker's processor may be unusable. Fail its batch, replace it.
                dead = true;
                log.error("worker {} of model {} died; replacing it", slot, name, t);
                InferenceFailedException failure =
                        new InferenceFailedException("inference failed", t, isOutOfMemory(t));
                batch.forEach(job -> job.future.completeExceptionally(failure));
            } finally {
                // Closed by its own thread, after its last batch: never under a running batch.
                processor.close();
            }
            if (dead) {
                replace();
            }
        }

        /**
         * Starts a new worker in this slot, from this (dying) thread, which stays in the slot until then; retries
         * with back-off while the factory fails, until the scheduler is closed.
         */
        private void replace() {
            long backoff = TimeUnit.MILLISECONDS.toNanos(100);
            while (state != State.CLOSED) {
                try {
                    BatchProcessor<I, O> fresh = processorFactories.get(slot).get();
                    stateLock.readLock().lock();
                    try {
                        if (state == State.CLOSED) {
                            fresh.close();
                            return;
                        }
                        metrics.workerRestarted();
                        startWorker(slot, fresh);
                    } finally {
                        stateLock.readLock().unlock();
                    }
                    return;
                } catch (RuntimeException e) {
                    log.error(
                            "could not replace worker {} of model {}; retrying in {} ms",
                            slot,
                            name,
                            TimeUnit.NANOSECONDS.toMillis(backoff),
                            e);
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(2 * backoff, MAX_REPLACE_BACKOFF_NANOS);
            }
        }
    }
}
