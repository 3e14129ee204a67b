package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import dev.inceptionclassifier.support.TestImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's memory DoS, in miniature: flat RGBA PNGs that are tiny on the wire and huge as rasters, decoded
 * concurrently through a pipeline whose budget holds one at a time. They are admitted one at a time (never more
 * reserved than the budget), refused with {@link DecodeBusyException} when they cannot wait, refused as too large
 * when one alone exceeds the budget, and every reservation is returned, whatever the outcome.
 */
class DecodeAdmissionTests {

    private static final PreprocessSpec SPEC = PreprocessSpec.inception(0.875);
    /** 2000x2000 RGBA: 16 MB as a raster, a few KB as a file. */
    private static final byte[] FLAT = ImageCorpus.flatRgbaPng(2000, 2000, 0x0ac81e);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void concurrentBigRastersAreAdmittedOneAtATime() throws Exception {
        long one = new ImagePipeline(ImageLimits.defaults()).worstCase(FLAT, SPEC);
        DecodeMemoryBudget budget = new DecodeMemoryBudget(one + one / 2, Duration.ofSeconds(60));
        ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults(), JpegBackend.imageIo(), budget);
        AtomicLong peak = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Future<?> sampler = threads.submit(() -> {
            while (!done.get()) {
                peak.accumulateAndGet(budget.reservedBytes(), Math::max);
                Thread.onSpinWait();
            }
        });
        List<Future<PreparedImage>> results = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 6; i++) {
            results.add(threads.submit(() -> {
                go.await();
                return pipeline.prepare(FLAT, SPEC);
            }));
        }
        go.countDown();
        for (Future<PreparedImage> r : results) {
            assertThat(r.get(120, TimeUnit.SECONDS).input()).hasSize(3 * 299 * 299);
        }
        done.set(true);
        sampler.get();
        System.out.printf(
                "[admission] 6 concurrent 2000x2000 RGBA PNGs, %d KiB each on the wire: peak reserved %.1f"
                        + " MiB of a %.1f MiB budget (one needs %.1f MiB)%n",
                FLAT.length / 1024, peak.get() / 1048576.0, budget.capacityBytes() / 1048576.0, one / 1048576.0);
        assertThat(peak.get()).as("never two at once").isPositive().isLessThanOrEqualTo(one + 1024);
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void thoseThatCannotWaitAreBusyAndTheRestSucceed() throws Exception {
        long one = new ImagePipeline(ImageLimits.defaults()).worstCase(FLAT, SPEC);
        DecodeMemoryBudget budget = new DecodeMemoryBudget(one + one / 2, Duration.ZERO);
        ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults(), JpegBackend.imageIo(), budget);
        // hold the budget as a decode in progress would, so that the outcome does not depend on thread timing
        DecodeMemoryBudget.Reservation inProgress = budget.reserve(one);
        assertThat(catchThrowableOfType(DecodeBusyException.class, () -> pipeline.prepare(FLAT, SPEC)))
                .isNotNull();
        // a small photo still fits next to it
        byte[] photo = TestImages.jpeg(TestImages.pattern(640, 480));
        assertThat(pipeline.prepare(photo, SPEC).width()).isEqualTo(640);
        inProgress.close();
        assertThat(pipeline.prepare(FLAT, SPEC).width()).isEqualTo(2000);
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void anImageLargerThanTheWholeBudgetIsTooLargeBeforeDecoding() {
        long one = new ImagePipeline(ImageLimits.defaults()).worstCase(FLAT, SPEC);
        DecodeMemoryBudget budget = new DecodeMemoryBudget(one - (1 << 20), Duration.ofSeconds(60));
        ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults(), JpegBackend.imageIo(), budget);
        var threadsBean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threadsBean.getCurrentThreadAllocatedBytes();
        ImageRejectedException e =
                catchThrowableOfType(ImageRejectedException.class, () -> pipeline.prepare(FLAT, SPEC));
        long allocated = threadsBean.getCurrentThreadAllocatedBytes() - before;
        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e.getMessage()).contains("MiB of memory");
        assertThat(allocated).as("no raster allocated").isLessThan(1 << 20);
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void reservationsAreReturnedWhenDecodingFails() {
        long one = new ImagePipeline(ImageLimits.defaults()).worstCase(FLAT, SPEC);
        DecodeMemoryBudget budget = new DecodeMemoryBudget(one + one / 2, Duration.ZERO);
        ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults(), JpegBackend.imageIo(), budget);
        byte[] garbage = new byte[5000];
        new java.util.Random(3).nextBytes(garbage);
        // valid chunks and CRCs, so the header scan passes and memory is reserved; the zlib data is garbage
        byte[] corrupt = new TestImages.Png(2000, 2000, 6, 8).idat(garbage).build();
        byte[] tooLittleData = new TestImages.Png(2000, 2000, 6, 8)
                .idat(TestImages.deflate(new byte[1000]))
                .build();
        for (byte[] bad : List.of(corrupt, tooLittleData)) {
            assertThat(catchThrowableOfType(ImageRejectedException.class, () -> pipeline.prepare(bad, SPEC)))
                    .isNotNull();
            assertThat(budget.reservedBytes()).isZero();
        }
        ImagePipeline hasty = new ImagePipeline(
                new ImageLimits(20L << 20, 40_000_000, 20_000, 4 << 20, 100, Duration.ZERO),
                JpegBackend.imageIo(),
                budget);
        assertThat(catchThrowableOfType(ImageRejectedException.class, () -> hasty.prepare(FLAT, SPEC))
                        .reason())
                .isEqualTo(Reason.BUDGET_EXCEEDED);
        assertThat(budget.reservedBytes()).isZero();
    }
}
