package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reservations against the decode memory budget: fit, wait, refuse, release once, first come first served. */
class DecodeMemoryBudgetTests {

    private static final long MIB = 1 << 20;

    /** One thread per waiting request: the common pool may have a single thread on a small machine. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void reservationsAreCountedAndReleasedOnce() {
        DecodeMemoryBudget budget = new DecodeMemoryBudget(10 * MIB, Duration.ZERO);
        DecodeMemoryBudget.Reservation a = budget.reserve(4 * MIB);
        DecodeMemoryBudget.Reservation b = budget.reserve(6 * MIB);
        assertThat(budget.reservedBytes()).isEqualTo(10 * MIB);
        assertThat(a.bytes()).isEqualTo(4 * MIB);
        a.close();
        a.close();
        assertThat(budget.reservedBytes()).isEqualTo(6 * MIB);
        b.close();
        assertThat(budget.reservedBytes()).isZero();
        // partial KiB round up; nothing is ever reserved as zero
        try (DecodeMemoryBudget.Reservation tiny = budget.reserve(0)) {
            assertThat(tiny.bytes()).isEqualTo(1024);
        }
        try (DecodeMemoryBudget.Reservation odd = budget.reserve(1025)) {
            assertThat(odd.bytes()).isEqualTo(2048);
        }
    }

    @Test
    void moreThanTheWholeBudgetIsTooLargeAtOnce() {
        DecodeMemoryBudget budget = new DecodeMemoryBudget(10 * MIB, Duration.ofSeconds(30));
        ImageRejectedException e =
                catchThrowableOfType(ImageRejectedException.class, () -> budget.reserve(10 * MIB + 1));
        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e.getMessage()).contains("11 MiB", "10 MiB");
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void noRoomWithinTheWaitIsBusy() {
        DecodeMemoryBudget budget = new DecodeMemoryBudget(10 * MIB, Duration.ofMillis(50));
        try (DecodeMemoryBudget.Reservation held = budget.reserve(8 * MIB)) {
            assertThatThrownBy(() -> budget.reserve(4 * MIB))
                    .isInstanceOf(DecodeBusyException.class)
                    .hasMessage("the server is busy decoding other images; retry later");
            assertThat(budget.reservedBytes()).isEqualTo(8 * MIB);
        }
        budget.reserve(10 * MIB).close();
    }

    @Test
    void aWaitingReservationGetsTheRoomThatIsReleased() throws Exception {
        DecodeMemoryBudget budget = new DecodeMemoryBudget(10 * MIB, Duration.ofSeconds(30));
        DecodeMemoryBudget.Reservation held = budget.reserve(8 * MIB);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(
                () -> {
                    started.countDown();
                    try (DecodeMemoryBudget.Reservation r = budget.reserve(5 * MIB)) {
                        return r.bytes();
                    }
                },
                threads);
        started.await();
        Thread.sleep(100);
        assertThat(waiting).isNotDone();
        held.close();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(5 * MIB);
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void firstComeFirstServed() throws Exception {
        DecodeMemoryBudget budget = new DecodeMemoryBudget(10 * MIB, Duration.ofSeconds(30));
        DecodeMemoryBudget.Reservation held = budget.reserve(6 * MIB);
        CompletableFuture<DecodeMemoryBudget.Reservation> big =
                CompletableFuture.supplyAsync(() -> budget.reserve(8 * MIB), threads);
        Thread.sleep(100);
        assertThat(big).isNotDone();
        // 4 MiB are free and 2 MiB would fit, but the larger request queued first: no overtaking, no starvation
        CompletableFuture<DecodeMemoryBudget.Reservation> small =
                CompletableFuture.supplyAsync(() -> budget.reserve(2 * MIB), threads);
        Thread.sleep(100);
        assertThat(small).isNotDone();
        held.close();
        DecodeMemoryBudget.Reservation first = big.get(10, TimeUnit.SECONDS);
        DecodeMemoryBudget.Reservation second = small.get(10, TimeUnit.SECONDS);
        assertThat(budget.reservedBytes()).isEqualTo(10 * MIB);
        first.close();
        second.close();
    }

    @Test
    void anInterruptedWaitIsBusyAndKeepsTheInterrupt() throws Exception {
        DecodeMemoryBudget budget = new DecodeMemoryBudget(10 * MIB, Duration.ofSeconds(30));
        try (DecodeMemoryBudget.Reservation held = budget.reserve(10 * MIB)) {
            CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    budget.reserve(MIB);
                    interrupted.complete(false);
                } catch (DecodeBusyException e) {
                    interrupted.complete(Thread.currentThread().isInterrupted());
                }
            });
            t.start();
            Thread.sleep(100);
            t.interrupt();
            assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new DecodeMemoryBudget(MIB - 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DecodeMemoryBudget(10 * MIB, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(DecodeMemoryBudget.fractionOfMaxHeap(0.5))
                .isEqualTo(Runtime.getRuntime().maxMemory() / 2);
        assertThatThrownBy(() -> DecodeMemoryBudget.fractionOfMaxHeap(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
