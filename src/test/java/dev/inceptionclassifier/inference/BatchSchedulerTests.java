package dev.inceptionclassifier.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduler's contract, with a fake model function in place of a DJL Predictor. */
class BatchSchedulerTests {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<BatchScheduler<Integer, Integer>> schedulers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        schedulers.forEach(BatchScheduler::close);
        timer.shutdownNow();
    }

    /** A fake model: records every batch it computes and applies {@code body} to it. */
    static final class FakeModel implements BatchProcessor<Integer, Integer> {
        final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        final Function<List<Integer>, List<Integer>> body;

        FakeModel(Function<List<Integer>, List<Integer>> body) {
            this.body = body;
        }

        @Override
        public List<Integer> process(List<Integer> inputs) {
            batches.add(List.copyOf(inputs));
            return body.apply(inputs);
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
        var s = new BatchScheduler<>("fake", settings, factories, null, timer,
                new SchedulerMetrics(registry, "fake", settings.maxBatchSize()));
        schedulers.add(s);
        return s;
    }

    private static SchedulerSettings settings(int maxBatch, long delayMs, int capacity, long timeoutMs) {
        return new SchedulerSettings(maxBatch, Duration.ofMillis(delayMs), capacity, Duration.ofMillis(timeoutMs));
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
            worstMs = Math.max(worstMs, TimeUnit.NANOSECONDS.toMillis(f.get(10, TimeUnit.SECONDS).queueNanos()));
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
        List<CompletableFuture<InferenceResult<Integer>>> queued = List.of(s.submit(1, null), s.submit(2, null),
                s.submit(3, null));
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
        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(InferenceFailedException.class)
                .cause().hasMessage("inference failed");
        assertThat(good.get(5, TimeUnit.SECONDS).output()).isEqualTo(4);
    }

    @Test
    void outOfMemoryInABatchIsReportedAsResourceExhausted() {
        FakeModel model = new FakeModel(in -> {
            throw new IllegalStateException("DefaultCPUAllocator: can't allocate memory: you tried to allocate 1 TB");
        });
        var s = scheduler(settings(1, 0, 10, 10_000), model);
        var f = s.submit(1, null);
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(
                InferenceFailedException.class, e -> assertThat(e.resourceExhausted()).isTrue());
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
        assertThatThrownBy(late::get).cause().isInstanceOfSatisfying(RejectedException.class,
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
        s.drain(Duration.ofMillis(200));
        // The one in the stuck batch is answered when its worker is interrupted; queued ones are rejected.
        assertThat(accepted.subList(1, 5)).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
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
