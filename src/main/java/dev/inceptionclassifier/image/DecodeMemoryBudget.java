package dev.inceptionclassifier.image;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bound on the bytes that decoding holds at once, across all requests. Each decode reserves its worst case,
 * computed from the header before any pixel is decoded, and releases it when done; a reservation that does not fit
 * waits (first come, first served) at most {@code maxWait}, then the request is refused with
 * {@link DecodeBusyException}. An image whose worst case exceeds the whole budget is refused at once as too large.
 *
 * <p>Thread-safe. Bytes are counted in KiB permits of a fair semaphore, so a budget may exceed 2 GiB.
 */
public final class DecodeMemoryBudget {

    private static final long UNIT = 1024;

    private final long capacityBytes;
    private final int capacityPermits;
    private final Duration maxWait;
    private final Semaphore permits;

    /**
     * @param capacityBytes bytes that decodes may hold at once; at least 1 MiB, at most 2 TiB
     * @param maxWait longest a request waits for room before it is refused
     */
    public DecodeMemoryBudget(long capacityBytes, Duration maxWait) {
        if (capacityBytes < (1L << 20) || capacityBytes / UNIT > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "the decode memory budget must be between 1 MiB and 2 TiB, not " + capacityBytes + " bytes");
        }
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative");
        }
        this.capacityPermits = (int) (capacityBytes / UNIT);
        this.capacityBytes = capacityPermits * UNIT;
        this.permits = new Semaphore(capacityPermits, true);
    }

    /** A budget that never makes a request wait: for tests and tools, not for a server. */
    public static DecodeMemoryBudget unlimited() {
        return new DecodeMemoryBudget(Integer.MAX_VALUE * UNIT, Duration.ZERO);
    }

    /** {@code fraction} of this JVM's maximum heap ({@link Runtime#maxMemory()}), in bytes. */
    public static long fractionOfMaxHeap(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1]");
        }
        return (long) (Runtime.getRuntime().maxMemory() * fraction);
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    public Duration maxWait() {
        return maxWait;
    }

    /** Bytes reserved right now. */
    public long reservedBytes() {
        return (capacityPermits - (long) permits.availablePermits()) * UNIT;
    }

    /**
     * Reserves {@code bytes}, waiting at most {@link #maxWait()} for room.
     *
     * @throws ImageRejectedException {@code TOO_LARGE} when {@code bytes} exceed the whole budget
     * @throws DecodeBusyException when no room was made in time (or the thread was interrupted while waiting)
     */
    public Reservation reserve(long bytes) {
        long wanted = Math.max(1, (bytes + UNIT - 1) / UNIT);
        if (wanted > capacityPermits) {
            throw new ImageRejectedException(
                    Reason.TOO_LARGE,
                    "decoding this image needs about " + mib(bytes) + " MiB of memory; this server decodes at most "
                            + mib(capacityBytes) + " MiB of images at a time");
        }
        int n = (int) wanted;
        boolean acquired;
        try {
            acquired = permits.tryAcquire(n, maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw new DecodeBusyException("the server is busy decoding other images; retry later");
        }
        return new Reservation(n);
    }

    private static long mib(long bytes) {
        return (bytes + (1L << 20) - 1) >> 20;
    }

    /** Reserved bytes, returned to the budget by {@link #close()} (once, however often it is called). */
    public final class Reservation implements AutoCloseable {

        private final int reserved;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Reservation(int reserved) {
            this.reserved = reserved;
        }

        public long bytes() {
            return reserved * UNIT;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                permits.release(reserved);
            }
        }
    }
}
