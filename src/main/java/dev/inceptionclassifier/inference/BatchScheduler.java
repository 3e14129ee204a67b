package dev.inceptionclassifier.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns concurrent submissions for one model into batches, after DJL Serving's {@code wlm} and Triton's dynamic
 * batcher: a bounded queue that rejects at once when full, workers that each own one {@link BatchProcessor}, a batch
 * that closes when it is full or when its oldest request has waited {@code maxBatchDelay}, deadlines that complete a
 * request with {@link DeadlineExceededException} (a request that expired in the queue is never computed), and a
 * drain on shutdown that answers everything accepted.
 *
 * @param <I> one item's input
 * @param <O> one item's output
 */
final class BatchScheduler<I, O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);

    private final String name;
    private final SchedulerSettings settings;
    private final BlockingQueue<Job<I, O>> queue;
    private final ScheduledExecutorService timer;
    private final SchedulerMetrics metrics;
    private final List<Supplier<BatchProcessor<I, O>>> processorFactories;
    private final List<Worker> workers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean accepting;
    private volatile boolean running = true;

    /**
     * Creates the workers: one per factory, each calling its factory once (and again if the worker dies).
     * Workers warm up (one batch of every size up to the maximum) before this constructor returns.
     */
    BatchScheduler(String name, SchedulerSettings settings, List<Supplier<BatchProcessor<I, O>>> processorFactories,
            Supplier<I> warmupInput, ScheduledExecutorService timer, SchedulerMetrics metrics) {
        this.name = name;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.timer = timer;
        this.metrics = metrics;
        this.processorFactories = List.copyOf(processorFactories);
        metrics.gauges(queue::size, inflight::get, () -> workers.size() - busy.get(), busy::get);
        for (int i = 0; i < this.processorFactories.size(); i++) {
            BatchProcessor<I, O> processor = this.processorFactories.get(i).get();
            if (warmupInput != null) {
                warmUp(processor, warmupInput);
            }
            startWorker(i, processor);
        }
        accepting = true;
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
        workers.add(worker);
        thread.start();
    }

    /**
     * Queues one input. Never blocks: a full queue or a stopped scheduler gives a future already failed with
     * {@link RejectedException}.
     *
     * @param timeout the request's deadline, capped at the configured request timeout; null for the default
     */
    CompletableFuture<InferenceResult<O>> submit(I input, Duration timeout) {
        if (!accepting) {
            return CompletableFuture.failedFuture(new RejectedException("the service is shutting down", true));
        }
        long now = System.nanoTime();
        long timeoutNanos = settings.requestTimeout().toNanos();
        if (timeout != null && timeout.toNanos() < timeoutNanos) {
            timeoutNanos = Math.max(0, timeout.toNanos());
        }
        Job<I, O> job = new Job<>(input, now, now + timeoutNanos);
        inflight.incrementAndGet();
        job.future.whenComplete((r, e) -> {
            inflight.decrementAndGet();
            ScheduledFuture<?> t = job.deadlineTask;
            if (t != null) {
                t.cancel(false);
            }
        });
        if (!queue.offer(job)) {
            job.future.completeExceptionally(new RejectedException("queue full for model " + name, false));
            return job.future;
        }
        job.deadlineTask = timer.schedule(() -> job.future.completeExceptionally(new DeadlineExceededException(
                "request deadline of " + Duration.ofNanos(job.deadline - job.enqueued).toMillis() + " ms passed")),
                timeoutNanos, TimeUnit.NANOSECONDS);
        if (job.future.isDone()) {
            // A worker answered before the task existed: the completion hook saw no task to cancel.
            job.deadlineTask.cancel(false);
        }
        return job.future;
    }

    int queueDepth() {
        return queue.size();
    }

    /** Whether a submission now would find room; a hint only, {@link #submit} decides. */
    boolean hasRoom() {
        return accepting && queue.remainingCapacity() > 0;
    }

    int inflight() {
        return inflight.get();
    }

    /** Stops accepting, waits up to {@code drainTimeout} for accepted requests, then stops the workers. */
    void drain(Duration drainTimeout) {
        accepting = false;
        long until = System.nanoTime() + drainTimeout.toNanos();
        while (inflight.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    @Override
    public void close() {
        accepting = false;
        running = false;
        List<Worker> snapshot;
        synchronized (workers) {
            snapshot = List.copyOf(workers);
        }
        for (Worker w : snapshot) {
            w.thread.interrupt();
        }
        for (Worker w : snapshot) {
            try {
                w.thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Whatever is still queued is answered, never dropped.
        for (Job<I, O> job; (job = queue.poll()) != null;) {
            job.future.completeExceptionally(new RejectedException("the service is shutting down", true));
        }
    }

    /** Takes the oldest live request, then more while the batch has room and the oldest has waited less than the delay. */
    private List<Job<I, O>> nextBatch() throws InterruptedException {
        Job<I, O> first;
        do {
            first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null && !running) {
                return List.of();
            }
        } while (first == null || first.future.isDone());
        List<Job<I, O>> batch = new ArrayList<>(settings.maxBatchSize());
        batch.add(first);
        long flushAt = first.enqueued + settings.maxBatchDelay().toNanos();
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
            job.future.complete(new InferenceResult<>(outputs.get(i), start - job.enqueued, nanos, batch.size(),
                    processor.device()));
        }
    }

    private static boolean isOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof OutOfMemoryError || m != null && (m.contains("out of memory")
                    || m.contains("can't allocate memory") || m.contains("CUDA error: out of memory"))) {
                return true;
            }
        }
        return false;
    }

    private static final class Job<I, O> {
        final I input;
        final long enqueued;
        final long deadline;
        final CompletableFuture<InferenceResult<O>> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> deadlineTask;

        Job(I input, long enqueued, long deadline) {
            this.input = input;
            this.enqueued = enqueued;
            this.deadline = deadline;
        }
    }

    private final class Worker implements Runnable {
        private final int slot;
        private final BatchProcessor<I, O> processor;
        volatile Thread thread;

        Worker(int slot, BatchProcessor<I, O> processor) {
            this.slot = slot;
            this.processor = processor;
        }

        @Override
        public void run() {
            List<Job<I, O>> batch = List.of();
            try {
                while (running) {
                    batch = nextBatch();
                    if (batch.isEmpty()) {
                        continue;
                    }
                    busy.incrementAndGet();
                    try {
                        execute(batch, processor);
                    } finally {
                        busy.decrementAndGet();
                    }
                    batch = List.of();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                // An Error escaped a batch: this worker's processor may be unusable. Fail its batch, replace it.
                log.error("worker {} of model {} died; replacing it", slot, name, t);
                InferenceFailedException failure = new InferenceFailedException("inference failed", t,
                        isOutOfMemory(t));
                batch.forEach(job -> job.future.completeExceptionally(failure));
                replace();
            } finally {
                processor.close();
            }
        }

        private void replace() {
            workers.remove(this);
            if (!running) {
                return;
            }
            metrics.workerRestarted();
            try {
                startWorker(slot, processorFactories.get(slot).get());
            } catch (RuntimeException e) {
                log.error("could not replace worker {} of model {}", slot, name, e);
            }
        }
    }
}
