package dev.inceptionclassifier.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latencies (microseconds, HdrHistogram, 3 significant digits) and counts of the measured requests, split by what
 * the service answered: 200, rejections (503/429: the queue was full), and everything else (504 deadline, 4xx,
 * 500). Client-side failures (timeouts, refused connections) and open-loop arrivals dropped at the in-flight cap are
 * counted separately; they are never silently left out.
 */
final class Results {

    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    private final Histogram ok = histogram();
    private final Histogram rejected = histogram();
    private final Histogram other = histogram();
    private final Histogram all = histogram();
    private final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> problems = new ConcurrentHashMap<>();
    private final LongAdder batchSizeFieldSum = new LongAdder();
    private final LongAdder batchSizeFieldCount = new LongAdder();

    private static Histogram histogram() {
        return new ConcurrentHistogram(1, MAX_MICROS, 3);
    }

    /** A response with an HTTP status, {@code nanos} after its (intended) send time. */
    void record(int status, long nanos) {
        long micros = Math.max(1, Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
        (status == 200 ? ok : status == 503 || status == 429 ? rejected : other).recordValue(micros);
        all.recordValue(micros);
        statuses.computeIfAbsent(Integer.toString(status), k -> new LongAdder()).increment();
    }

    /** The RFC 9457 problem type of an error answer, as {@code "<status> <type slug>"}. */
    void recordProblem(String statusAndType) {
        problems.computeIfAbsent(statusAndType, k -> new LongAdder()).increment();
    }

    /** Error answers by status and problem type ({@code "503 shutting-down"}). */
    Map<String, Long> problems() {
        Map<String, Long> out = new TreeMap<>();
        problems.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** A request that got no HTTP answer: {@code kind} is e.g. the exception's simple name. */
    void recordClientError(String kind) {
        statuses.computeIfAbsent("client:" + kind, k -> new LongAdder()).increment();
    }

    /** An open-loop arrival not sent because too many requests were in flight. */
    void recordDropped() {
        statuses.computeIfAbsent("client:dropped-at-cap", k -> new LongAdder()).increment();
    }

    /** The {@code batchSize} field of a 200 answer. */
    void recordBatchSizeField(int batchSize) {
        batchSizeFieldSum.add(batchSize);
        batchSizeFieldCount.increment();
    }

    Histogram ok() {
        return ok;
    }

    Histogram rejected() {
        return rejected;
    }

    Histogram other() {
        return other;
    }

    Histogram all() {
        return all;
    }

    /** Counts by status code, then client-side outcomes ({@code client:...}). */
    Map<String, Long> statuses() {
        Map<String, Long> out = new TreeMap<>();
        statuses.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    long count(String status) {
        LongAdder a = statuses.get(status);
        return a == null ? 0 : a.sum();
    }

    /** Requests that got an HTTP answer. */
    long answered() {
        return all.getTotalCount();
    }

    /** Every measured request, answered or not. */
    long total() {
        return statuses().values().stream().mapToLong(Long::longValue).sum();
    }

    long clientFailures() {
        return statuses().entrySet().stream()
                .filter(e -> e.getKey().startsWith("client:"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** Mean of the {@code batchSize} fields of 200 answers: weighted by request, so larger than the per-batch mean. */
    double meanBatchSizeField() {
        long n = batchSizeFieldCount.sum();
        return n == 0 ? Double.NaN : (double) batchSizeFieldSum.sum() / n;
    }
}
