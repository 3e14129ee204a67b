package dev.inceptionclassifier.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduler's contract, with a fake model function in place of a DJL Predictor. */
class BatchSchedulerTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<BatchScheduler<Integer, Integer>> schedulers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        schedulers.forEach(BatchScheduler::close);
    }

    /** A fake model: records every batch it computes and applies {@code body} to it. */
    static final class FakeModel implements BatchProcessor<Integer, Integer> {
        final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        final Function<List<Integer>, List<Integer>> body;
        final AtomicInteger running = new AtomicInteger();
        volatile boolean closed;
        volatile boolean closedWhileRunning;

        FakeModel(Function<List<Integer>, List<Integer>> body) {
            this.body = body;
        }

        @Override
        public List<Integer> process(List<Integer> inputs) {
            batches.add(List.copyOf(inputs));
            running.incrementAndGet();
            try {
                return body.apply(inputs);
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public void close() {
            closedWhileRunning |= running.get() > 0;
            closed = true;
        }

        @Override
        public String device() {
            return "cpu()";
        }

        List<Integer> computed() {
            return batches.stream().flatMap(List::stream).toList();
        }
    }

    private static List<Integer> square(List<Integer> in) {
        return in.stream().map(x -> x * x).toList();
    }

    private BatchScheduler<Integer, Integer> scheduler(SchedulerSettings settings, FakeModel... models) {
        List<Supplier<BatchProcessor<Integer, Integer>>> factories = new ArrayList<>();
        for (FakeModel m : models) {
            factories.add(() -> m);
        }
        return scheduler(settings, factories);
    }

    private BatchScheduler<Integer, Integer> scheduler(
            SchedulerSettings settings, List<Supplier<BatchProcessor<Integer, Integer>>> factories) {
        var s = new BatchScheduler<>(
                "fake", settings, factories, null, new SchedulerMetrics(registry, "fake", settings.maxBatchSize()));
        schedulers.add(s);
        return s;
    }

    private static SchedulerSettings settings(int maxBatch, long delayMs, int capacity, long timeoutMs) {
        return settings(maxBatch, delayMs, capacity, timeoutMs, 1000, 60_000);
    }

    private static SchedulerSettings settings(
            int maxBatch, long delayMs, int capacity, long timeoutMs, long workerStopMs, long stuckMs) {
        return new SchedulerSettings(
                maxBatch,
                Duration.ofMillis(delayMs),
                capacity,
                Duration.ofMillis(timeoutMs),
                Duration.ofMillis(workerStopMs),
                Duration.ofMillis(stuckMs));
    }

    @Test
    void batchesNeverExceedMaxSizeAndEveryResultIsItsOwn() throws Exception {
        FakeModel model = new FakeModel(in -> {
            sleep(5);
            return square(in);
        });
        var s = scheduler(settings(4, 20, 1000, 10_000), model);
        List<CompletableFuture<InferenceResult<Integer>>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(s.submit(i, null));
        }
        for (int i = 0; i < 200; i++) {
            InferenceResult<Integer> r = futures.get(i).get(10, TimeUnit.SECONDS);
            assertThat(r.output()).isEqualTo(i * i);
            assertThat(r.batchSize()).isBetween(1, 4);
        }
        assertThat(model.batches).allSatisfy(b -> assertThat(b.size()).isBetween(1, 4));
        // Under a backlog the batcher fills batches rather than running singles.
        assertThat(model.batches.size()).isLessThanOrEqualTo(60);
        assertThat(registry.get("classifier.batch.size").summary().max()).isEqualTo(4.0);
    }

    @Test
    void oldestRequestWaitsAtMostTheBatchDelayPlusOneBatch() throws Exception {
        long batchMs = 30;
        long delayMs = 50;
        FakeModel model = new FakeModel(in -> {
            sleep(batchMs);
            return square(in);
        });
        var s = scheduler(settings(64, delayMs, 1000, 10_000), model);
        // A trickle of requests, never enough to fill a batch: each batch closes on the delay.
        List<CompletableFuture<InferenceResult<Integer>>> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            futures.add(s.submit(i, null));
            sleep(7);
        }
        long worstMs = 0;
        for (var f : futures) {
            worstMs = Math.max(
                    worstMs,
                    TimeUnit.NANOSECONDS.toMillis(f.get(10, TimeUnit.SECONDS).queueNanos()));
        }
        assertThat(worstMs).isLessThanOrEqualTo(delayMs + batchMs + 25);
        assertThat(model.batches.size()).isGreaterThan(1);
        assertThat(model.batches).anySatisfy(b -> assertThat(b.size()).isGreaterThan(1));
    }

    @Test
    void aLoneRequestIsNotHeldLongerThanTheDelay() throws Exception {
        FakeModel model = new FakeModel(BatchSchedulerTests::square);
        var s = scheduler(settings(8, 40, 10, 10_000), model);
        InferenceResult<Integer> r = s.submit(3, null).get(5, TimeUnit.SECONDS);
        assertThat(r.output()).isEqualTo(9);
        assertThat(TimeUnit.NANOSECONDS.toMillis(r.queueNanos())).isBetween(35L, 80L);
    }

    @Test
    void aFullQueueRejectsAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeModel model = new FakeModel(in -> {
            await(release);
            return square(in);
        });
        var s = scheduler(settings(1, 0, 3, 10_000), model);
        var running = s.submit(0, null);
        waitUntil(() -> model.batches.size() == 1);
        assertThat(s.hasRoom()).isTrue();
        List<CompletableFuture<InferenceResult<Integer>>> queued =
                List.of(s.submit(1, null), s.submit(2, null), s.submit(3, null));
        assertThat(s.hasRoom()).isFalse();
        long t0 = System.nanoTime();
        var rejected = s.submit(4, null);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(rejected).isCompletedExceptionally();
        assertThatThrownBy(rejected::get).hasCauseInstanceOf(RejectedException.class);
        assertThat(tookMs).isLessThan(50);
        release.countDown();
        assertThat(running.get(5, TimeUnit.SECONDS).output()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(queued.get(i).get(5, TimeUnit.SECONDS).output()).isEqualTo((i + 1) * (i + 1));
        }
        assertThat(model.computed()).doesNotContain(4);
    }

    @Test
    void requestsThatExpireInTheQueueAreAnswered504AndNeverComputed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeModel model = new FakeModel(in -> {
            if (in.contains(0)) {
                await(release);
            }
            return square(in);
        });
        var s = scheduler(settings(1, 0, 100, 10_000), model);
        var blocker = s.submit(0, null);
        waitUntil(() -> model.batches.size() == 1);
        var shortLived = s.submit(7, Duration.ofMillis(50));
        var longLived = s.submit(8, null);
        // The deadline answers the client even while the worker is stuck.
        assertThatThrownBy(() -> shortLived.get(2, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DeadlineExceededException.class);
        release.countDown();
        assertThat(blocker.get(5, TimeUnit.SECONDS).output()).isZero();
        assertThat(longLived.get(5, TimeUnit.SECONDS).output()).isEqualTo(64);
        assertThat(model.computed()).containsExactly(0, 8);
    }

    @Test
    void aRequestCannotAskForMoreThanTheConfiguredTimeout() {
        CountDownLatch release = new CountDownLatch(1);
        FakeModel model = new FakeModel(in -> {
            await(release);
            return square(in);
        });
        var s = scheduler(settings(1, 0, 10, 100), model);
        var f = s.submit(1, Duration.ofHours(1));
        assertThatThrownBy(() -> f.get(3, TimeUnit.SECONDS)).hasCauseInstanceOf(DeadlineExceededException.class);
        release.countDown();
    }

    @Test
    void aFailingBatchFailsOnlyItsOwnRequests() throws Exception {
        FakeModel model = new FakeModel(in -> {
            if (in.contains(13)) {
                throw new IllegalStateException("boom");
            }
            return square(in);
        });
        var s = scheduler(settings(1, 0, 10, 10_000), model);
        var bad = s.submit(13, null);
        var good = s.submit(2, null);
        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(InferenceFailedException.class)
                .cause()
                .hasMessage("inference failed");
        assertThat(good.get(5, TimeUnit.SECONDS).output()).isEqualTo(4);
    }

    @Test
    void outOfMemoryInABatchIsReportedAsResourceExhausted() {
        FakeModel model = new FakeModel(in -> {
            throw new IllegalStateException("DefaultCPUAllocator: can't allocate memory: you tried to allocate 1 TB");
        });
        var s = scheduler(settings(1, 0, 10, 10_000), model);
        var f = s.submit(1, null);
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        InferenceFailedException.class,
                        e -> assertThat(e.resourceExhausted()).isTrue());
    }

    @Test
    void aWorkerThatDiesIsReplacedAndCounted() throws Exception {
        FakeModel model = new FakeModel(in -> {
            if (in.contains(-1)) {
                throw new StackOverflowError("simulated");
            }
            return square(in);
        });
        var s = scheduler(settings(1, 0, 10, 10_000), model);
        var dying = s.submit(-1, null);
        assertThatThrownBy(() -> dying.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(InferenceFailedException.class);
        assertThat(s.submit(5, null).get(5, TimeUnit.SECONDS).output()).isEqualTo(25);
        assertThat(registry.get("classifier.worker.restarts").counter().count()).isEqualTo(1.0);
    }

    @Test
    void drainAnswersEveryAcceptedRequestThenRejectsNewOnes() throws Exception {
        FakeModel model = new FakeModel(in -> {
            sleep(10);
            return square(in);
        });
        var s = scheduler(settings(2, 0, 100, 10_000), model);
        List<CompletableFuture<InferenceResult<Integer>>> accepted = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            accepted.add(s.submit(i, null));
        }
        s.drain(Duration.ofSeconds(10));
        for (int i = 0; i < 40; i++) {
            assertThat(accepted.get(i)).isCompleted();
            assertThat(accepted.get(i).get().output()).isEqualTo(i * i);
        }
        var late = s.submit(99, null);
        assertThatThrownBy(late::get)
                .cause()
                .isInstanceOfSatisfying(
                        RejectedException.class,
                        e -> assertThat(e.shuttingDown()).isTrue());
    }

    @Test
    void aDrainThatTimesOutStillAnswersEveryAcceptedRequest() {
        CountDownLatch never = new CountDownLatch(1);
        FakeModel model = new FakeModel(in -> {
            await(never);
            return square(in);
        });
        var s = scheduler(settings(1, 0, 100, 60_000), model);
        List<CompletableFuture<InferenceResult<Integer>>> accepted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            accepted.add(s.submit(i, null));
        }
        assertThat(s.drain(Duration.ofMillis(200)))
                .as("the stuck worker did not stop")
                .isFalse();
        // Queued ones are rejected at once; the one in the stuck batch is answered by its deadline.
        assertThat(accepted.subList(1, 5))
                .allSatisfy(f -> assertThatThrownBy(f::get)
                        .cause()
                        .isInstanceOfSatisfying(
                                RejectedException.class,
                                e -> assertThat(e.shuttingDown()).isTrue()));
        assertThat(accepted.get(0)).isNotDone();
        // Its processor is not closed under the running batch.
        assertThat(model.closed).isFalse();
        never.countDown();
    }

    @Test
    void severalWorkersShareOneQueue() throws Exception {
        FakeModel a = new FakeModel(in -> {
            sleep(20);
            return square(in);
        });
        FakeModel b = new FakeModel(in -> {
            sleep(20);
            return square(in);
        });
        var s = scheduler(settings(2, 0, 100, 10_000), a, b);
        List<CompletableFuture<InferenceResult<Integer>>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(s.submit(i, null));
        }
        for (var f : fs) {
            f.get(5, TimeUnit.SECONDS);
        }
        assertThat(a.batches).isNotEmpty();
        assertThat(b.batches).isNotEmpty();
    }

    /**
     * Submitters race {@code close()} at max batch 4, round after round, counted from both sides. Client side: every
     * future that {@code submit} returned is complete once {@code close()} and the submitters are done (no request
     * waits for its deadline), each completes exactly once, and no submission throws. Scheduler side: the requests
     * it accepted equal the ones it answered, and its results are the client's results.
     */
    @Test
    void thousandsOfSubmitsRacingCloseAreEachAnsweredExactlyOnce() throws Exception {
        int rounds = 300;
        int threads = 4;
        int perThread = 40;
        long submitted = 0;
        long clientOk = 0;
        long clientRejected = 0;
        long accepted = 0;
        long answered = 0;
        long rejectedAfterAcceptance = 0;
        for (int round = 0; round < rounds; round++) {
            FakeModel model = new FakeModel(in -> {
                if (in.get(0) % 7 == 0) {
                    sleep(1);
                }
                return square(in);
            });
            // A pause between the state check and the offer widens the window in which close() could sweep.
            List<Supplier<BatchProcessor<Integer, Integer>>> factory = List.of(() -> model);
            var s = new BatchScheduler<>(
                    "fake",
                    settings(4, 1, 64, 30_000),
                    factory,
                    null,
                    new SchedulerMetrics(registry, "fake", 4),
                    () -> LockSupport.parkNanos(20_000));
            schedulers.add(s);
            List<CompletableFuture<InferenceResult<Integer>>> futures = new CopyOnWriteArrayList<>();
            AtomicInteger callbacks = new AtomicInteger();
            AtomicInteger thrown = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                Thread thread = new Thread(() -> {
                    await(go);
                    for (int i = 0; i < perThread; i++) {
                        try {
                            var f = s.submit(base + i, null);
                            f.whenComplete((r, e) -> callbacks.incrementAndGet());
                            futures.add(f);
                        } catch (RuntimeException e) {
                            thrown.incrementAndGet();
                        }
                    }
                });
                thread.start();
                submitters.add(thread);
            }
            go.countDown();
            Thread.sleep(round % 3);
            s.close();
            for (Thread t : submitters) {
                t.join();
            }
            assertThat(thrown).as("round %d: submissions that threw", round).hasValue(0);
            assertThat(futures).as("round %d", round).hasSize(threads * perThread);
            assertThat(futures.stream().filter(f -> !f.isDone()))
                    .as("round %d: accepted but unanswered after close()", round)
                    .isEmpty();
            assertThat(callbacks).as("round %d: completions", round).hasValue(futures.size());
            long ok = 0;
            for (var f : futures) {
                try {
                    InferenceResult<Integer> r = f.get();
                    int x = (int) Math.round(Math.sqrt(r.output()));
                    assertThat(r.output()).isEqualTo(x * x);
                    ok++;
                } catch (ExecutionException e) {
                    // Shutting down, or (refused up front) a full queue.
                    assertThat(e.getCause()).isInstanceOf(RejectedException.class);
                    clientRejected++;
                }
            }
            BatchScheduler.Counts server = s.counts();
            assertThat(server.answered())
                    .as("round %d: answered == accepted", round)
                    .isEqualTo(server.accepted());
            assertThat(server.ok())
                    .as("round %d: results, server vs client", round)
                    .isEqualTo(ok);
            assertThat(server.deadline() + server.failed()).isZero();
            assertThat(model.computed()).doesNotHaveDuplicates().hasSize((int) ok);
            assertThat(model.closedWhileRunning).isFalse();
            submitted += futures.size();
            clientOk += ok;
            accepted += server.accepted();
            answered += server.answered();
            rejectedAfterAcceptance += server.shutDown();
        }
        assertThat(clientOk + clientRejected).isEqualTo(submitted);
        assertThat(clientOk).isPositive();
        assertThat(rejectedAfterAcceptance)
                .as("the race was exercised: some accepted requests met the sweep")
                .isPositive();
        System.out.printf(
                "stress: %d rounds; client: %d submitted = %d results + %d rejections; "
                        + "scheduler: %d accepted, %d answered (%d results + %d swept at close), %d refused up front; "
                        + "0 unanswered%n",
                rounds,
                submitted,
                clientOk,
                clientRejected,
                accepted,
                answered,
                clientOk,
                rejectedAfterAcceptance,
                submitted - accepted);
    }

    @Test
    void aWorkerInterruptedWhileCollectingABatchRunsTheRequestsItTook() throws Exception {
        FakeModel model = new FakeModel(BatchSchedulerTests::square);
        // The batch waits up to 3 s to fill; the worker is interrupted while it waits.
        var s = scheduler(settings(8, 3000, 10, 30_000), model);
        var first = s.submit(3, null);
        var second = s.submit(4, null);
        Thread worker = workerThread();
        waitUntil(() -> worker.getState() == Thread.State.TIMED_WAITING && queueEmpty(s));
        worker.interrupt();
        assertThat(first.get(1, TimeUnit.SECONDS).output()).isEqualTo(9);
        assertThat(second.get(1, TimeUnit.SECONDS).output()).isEqualTo(16);
        // The worker survives the interrupt and keeps serving.
        assertThat(s.submit(5, null).get(5, TimeUnit.SECONDS).output()).isEqualTo(25);
        assertThat(s.health(System.nanoTime()).liveWorkers()).isEqualTo(1);
    }

    private static boolean queueEmpty(BatchScheduler<Integer, Integer> s) {
        return s.queueDepth() == 0;
    }

    private static Thread workerThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("infer-fake-0"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aStuckBatchMakesTheModelNotReadyAndWithOneWorkerNotRecoverable() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeModel stuck = new FakeModel(in -> {
            if (in.contains(-7)) {
                await(release);
            }
            return square(in);
        });
        var s = scheduler(settings(1, 0, 10, 100, 1000, 300), stuck);
        assertThat(s.health(System.nanoTime()).ready()).isTrue();
        var hung = s.submit(-7, null);
        waitUntil(() -> !stuck.batches.isEmpty());
        assertThat(s.health(System.nanoTime()).ready())
                .as("running, not yet past the threshold")
                .isTrue();
        Thread.sleep(400);
        SchedulerHealth h = s.health(System.nanoTime());
        assertThat(h.stuckWorkers()).isEqualTo(1);
        assertThat(h.longestBatchNanos()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(h.ready()).isFalse();
        assertThat(h.recoverable()).isFalse();
        // The client was answered by its deadline long before.
        assertThatThrownBy(() -> hung.get(1, TimeUnit.SECONDS)).hasCauseInstanceOf(DeadlineExceededException.class);
        release.countDown();
        waitUntil(() -> s.health(System.nanoTime()).ready());
        assertThat(s.submit(2, null).get(5, TimeUnit.SECONDS).output()).isEqualTo(4);
    }

    @Test
    void oneStuckWorkerAmongTwoTakesReadinessButNotLivenessDown() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        java.util.function.Function<List<Integer>, List<Integer>> body = in -> {
            if (in.contains(-7)) {
                await(release);
            }
            return square(in);
        };
        var s = scheduler(settings(1, 0, 10, 10_000, 1000, 200), new FakeModel(body), new FakeModel(body));
        s.submit(-7, null);
        Thread.sleep(350);
        SchedulerHealth h = s.health(System.nanoTime());
        assertThat(h.liveWorkers()).isEqualTo(2);
        assertThat(h.stuckWorkers()).isEqualTo(1);
        assertThat(h.ready()).isFalse();
        assertThat(h.recoverable()).isTrue();
        // The other worker still serves.
        assertThat(s.submit(3, null).get(5, TimeUnit.SECONDS).output()).isEqualTo(9);
        release.countDown();
    }

    @Test
    void aDeadWorkerWhoseReplacementFailsLeavesNoLiveWorkerUntilARetrySucceeds() throws Exception {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger failuresLeft = new AtomicInteger(3);
        FakeModel dying = new FakeModel(in -> {
            if (in.contains(-1)) {
                throw new StackOverflowError("simulated");
            }
            return square(in);
        });
        List<Supplier<BatchProcessor<Integer, Integer>>> factory = List.of(() -> {
            if (created.getAndIncrement() > 0 && failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("cannot create a predictor now");
            }
            return dying;
        });
        var s = scheduler(settings(1, 0, 10, 10_000), factory);
        var f = s.submit(-1, null);
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(InferenceFailedException.class);
        SchedulerHealth during = s.health(System.nanoTime());
        assertThat(during.liveWorkers()).isZero();
        assertThat(during.ready()).isFalse();
        assertThat(during.recoverable()).isFalse();
        // Retries back off 100, 200, 400 ms; the fourth attempt succeeds.
        waitUntil(() -> s.health(System.nanoTime()).ready());
        assertThat(created.get()).isEqualTo(5);
        assertThat(s.submit(6, null).get(5, TimeUnit.SECONDS).output()).isEqualTo(36);
        assertThat(registry.get("classifier.worker.restarts").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aWorkerStuckAtShutdownKeepsItsProcessorUntilItsBatchEnds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeModel model = new FakeModel(in -> {
            await(release);
            return square(in);
        });
        var s = scheduler(settings(1, 0, 10, 30_000, 200, 60_000), model);
        var running = s.submit(1, null);
        waitUntil(() -> model.running.get() == 1);
        long t0 = System.nanoTime();
        assertThat(s.shutdown()).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2000);
        assertThat(s.workersStopped()).isFalse();
        assertThat(model.closed).isFalse();
        release.countDown();
        assertThat(running.get(5, TimeUnit.SECONDS).output()).isEqualTo(1);
        waitUntil(s::workersStopped);
        assertThat(model.closed).isTrue();
        assertThat(model.closedWhileRunning).isFalse();
    }

    @Test
    void aHugeTimeoutIsCappedInsteadOfOverflowing() throws Exception {
        FakeModel model = new FakeModel(BatchSchedulerTests::square);
        var s = scheduler(settings(1, 0, 10, 10_000), model);
        assertThat(s.submit(7, Duration.ofDays(200_000))
                        .get(5, TimeUnit.SECONDS)
                        .output())
                .isEqualTo(49);
        assertThat(s.submit(8, Duration.ofSeconds(Long.MAX_VALUE))
                        .get(5, TimeUnit.SECONDS)
                        .output())
                .isEqualTo(64);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void waitUntil(Supplier<Boolean> condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.get()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(2);
        }
    }
}
