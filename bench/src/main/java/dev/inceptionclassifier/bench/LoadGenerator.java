package dev.inceptionclassifier.bench;

import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Load generator for {@code POST /classify}: closed loop, open loop (coordinated-omission-free) or soak, for a
 * bounded time or count, against a service on this machine. Prints throughput, latency percentiles by outcome,
 * status counts, the server's mean batch size and its memory before and after, then one {@code SUMMARY} line for
 * scripts. Run {@code bench/run-load.sh --help}.
 */
public final class LoadGenerator {

    private final LoadOptions options;
    private final PrintStream out;

    LoadGenerator(LoadOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && !e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.print(LoadOptions.USAGE);
            System.exit(e.getMessage() == null || e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        System.exit(new LoadGenerator(options, System.out).run());
    }

    /** Runs the configured load; returns the process exit status (0 ok, 3 service unreachable). */
    int run() throws Exception {
        ImageCorpus corpus = options.images() != null
                ? ImageCorpus.fromFolder(options.images())
                : ImageCorpus.generate(options.generateDir(), options.generate(), options.sizes());
        ExecutorService callbacks = Traffic.callbackExecutor();
        ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scraper");
            t.setDaemon(true);
            return t;
        });
        try {
            HttpClient client = Traffic.newClient(callbacks);
            // The scrapes use their own connection pool so that they never queue behind the load.
            HttpClient metricsClient = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            Traffic traffic =
                    new Traffic(client, options.classifyUri(), corpus, options.multipart(), options.timeout());
            if (!reachable(client, corpus)) {
                return 3;
            }
            out.printf(
                    Locale.ROOT,
                    "target %s, %d images (%s, %.1f MB), %s body%n",
                    options.classifyUri(),
                    corpus.images().size(),
                    options.images() != null
                            ? options.images()
                            : "generated in " + options.generateDir() + ", sizes " + options.sizes(),
                    corpus.totalBytes() / 1e6,
                    options.multipart() ? "multipart" : "raw");
            return switch (options.mode()) {
                case CLOSED, OPEN -> timed(traffic, metricsClient, scraper);
                case SOAK -> soak(traffic, metricsClient, scraper);
            };
        } finally {
            scraper.shutdownNow();
            callbacks.shutdownNow();
        }
    }

    private boolean reachable(HttpClient client, ImageCorpus corpus) {
        try {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(options.url().resolve("/actuator/health"))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                System.err.println("warning: " + options.url() + "/actuator/health answered " + r.statusCode()
                        + " (not ready?); going on");
            }
            return true;
        } catch (ConnectException e) {
            System.err.println("error: nothing listens at " + options.url() + " (start the service first)");
            return false;
        } catch (Exception e) {
            System.err.println("error: " + options.url() + " unreachable: " + e);
            return false;
        }
    }

    private int timed(Traffic traffic, HttpClient metricsClient, ScheduledExecutorService scraper) throws Exception {
        boolean open = options.mode() == LoadOptions.Mode.OPEN;
        ServerSnapshot initial = ServerSnapshot.scrape(metricsClient, options.metricsUri(), options.model());
        Results results = new Results();
        long start = System.nanoTime();
        long measureFrom = start + options.warmup().toNanos();
        long end = measureFrom + options.duration().toNanos();
        Future<ServerSnapshot> atMeasureStart = scraper.schedule(
                () -> ServerSnapshot.scrape(metricsClient, options.metricsUri(), options.model()),
                options.warmup().toNanos(),
                TimeUnit.NANOSECONDS);
        long unanswered = 0;
        if (open) {
            out.printf(
                    Locale.ROOT,
                    "open loop at %.2f req/s for %s after %s warm-up (latency from intended send time)%n",
                    options.rate(),
                    human(options.duration()),
                    human(options.warmup()));
            unanswered = traffic.openLoop(options.rate(), start, measureFrom, end, options.maxOutstanding(), results);
        } else {
            out.printf(
                    Locale.ROOT,
                    "closed loop, %d client(s), for %s after %s warm-up%n",
                    options.concurrency(),
                    human(options.duration()),
                    human(options.warmup()));
            traffic.closedLoop(options.concurrency(), measureFrom, end, results);
        }
        double drainSeconds = Math.max(0, (System.nanoTime() - end) / 1e9);
        ServerSnapshot before = atMeasureStart.get();
        ServerSnapshot after = ServerSnapshot.scrape(metricsClient, options.metricsUri(), options.model());
        double seconds = options.duration().toNanos() / 1e9;
        out.println();
        if (open) {
            long offered = results.total();
            out.printf(
                    Locale.ROOT,
                    "offered        %d requests (%.2f req/s); dropped at in-flight cap %d; "
                            + "unanswered %d; last answer %.1f s after the window (%.2f img/s classified counting that "
                            + "drain)%n",
                    offered,
                    offered / seconds,
                    results.count("client:dropped-at-cap"),
                    unanswered,
                    drainSeconds,
                    results.ok().getTotalCount() / (seconds + drainSeconds));
        }
        printCommon(results, seconds, before, after, initial);
        printSummary(results, seconds, initial, before, after);
        return 0;
    }

    private int soak(Traffic traffic, HttpClient metricsClient, ScheduledExecutorService scraper) throws Exception {
        out.printf(
                Locale.ROOT,
                "soak: %d warm-up requests, then %d measured requests from %d clients%n",
                options.warmupRequests(),
                options.requests(),
                options.concurrency());
        ServerSnapshot initial = ServerSnapshot.scrape(metricsClient, options.metricsUri(), options.model());
        traffic.countLoop(options.concurrency(), options.warmupRequests(), new Results(), done -> {});
        ServerSnapshot before = ServerSnapshot.scrape(metricsClient, options.metricsUri(), options.model());
        List<long[]> marks = Collections.synchronizedList(new ArrayList<>());
        List<Future<ServerSnapshot>> snapshots = Collections.synchronizedList(new ArrayList<>());
        Results results = new Results();
        long start = System.nanoTime();
        traffic.countLoop(options.concurrency(), options.requests(), results, done -> {
            if (done % options.snapshotEvery() == 0) {
                marks.add(new long[] {done, System.nanoTime() - start});
                snapshots.add(scraper.submit(
                        () -> ServerSnapshot.scrape(metricsClient, options.metricsUri(), options.model())));
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        ServerSnapshot after = ServerSnapshot.scrape(metricsClient, options.metricsUri(), options.model());
        out.println();
        out.printf(Locale.ROOT, "%-10s %8s %10s %10s %12s%n", "requests", "time s", "RSS MiB", "heap MiB", "live MiB");
        out.printf(
                Locale.ROOT,
                "%-10s %8s %10s %10s %12s%n",
                "(initial)",
                "",
                mib(initial.residentBytes()),
                mib(initial.heapUsedBytes()),
                mib(initial.liveDataBytes()));
        out.printf(
                Locale.ROOT,
                "%-10d %8s %10s %10s %12s%n",
                0,
                "0",
                mib(before.residentBytes()),
                mib(before.heapUsedBytes()),
                mib(before.liveDataBytes()));
        for (int i = 0; i < snapshots.size(); i++) {
            ServerSnapshot s = snapshots.get(i).get();
            long[] m = marks.get(i);
            out.printf(
                    Locale.ROOT,
                    "%-10d %8.0f %10s %10s %12s%n",
                    m[0],
                    m[1] / 1e9,
                    mib(s.residentBytes()),
                    mib(s.heapUsedBytes()),
                    mib(s.liveDataBytes()));
        }
        out.printf(
                Locale.ROOT,
                "%-10s %8.0f %10s %10s %12s%n",
                "(end)",
                seconds,
                mib(after.residentBytes()),
                mib(after.heapUsedBytes()),
                mib(after.liveDataBytes()));
        printCommon(results, seconds, before, after, initial);
        printSummary(results, seconds, initial, before, after);
        return 0;
    }

    private void printCommon(
            Results r, double seconds, ServerSnapshot before, ServerSnapshot after, ServerSnapshot initial) {
        out.printf(
                Locale.ROOT,
                "answered       %d in %.1f s: %.2f req/s, %.2f img/s classified (200)%n",
                r.answered(),
                seconds,
                r.answered() / seconds,
                r.ok().getTotalCount() / seconds);
        out.println("statuses       " + r.statuses());
        if (!r.problems().isEmpty()) {
            out.println("problem types  " + r.problems());
        }
        out.printf(
                Locale.ROOT,
                "%-14s %8s %9s %9s %9s %9s %9s %9s%n",
                "latency ms",
                "count",
                "p50",
                "p90",
                "p99",
                "p99.9",
                "max",
                "mean");
        row("200", r.ok());
        row("503/429", r.rejected());
        row("other", r.other());
        row("all", r.all());
        if (!before.available() || !after.available()) {
            out.println("server         metrics unavailable (is /actuator/prometheus exposed?)");
            return;
        }
        out.printf(
                Locale.ROOT,
                "server batches %.0f, mean batch size %.2f (metrics); mean batchPredict %.1f ms; "
                        + "mean queue wait %.1f ms; batchSize field of 200s (per request) %.2f%n",
                after.batchesSince(before),
                after.meanBatchSizeSince(before),
                1000 * after.meanBatchSecondsSince(before),
                1000 * after.meanQueueWaitSecondsSince(before),
                r.meanBatchSizeField());
        out.println("server outcomes " + after.outcomesSince(before));
        out.printf(
                Locale.ROOT,
                "server memory  RSS %s -> %s MiB (before traffic: %s); heap used %s -> %s MiB; "
                        + "live after GC %s -> %s MiB%n",
                mib(before.residentBytes()),
                mib(after.residentBytes()),
                mib(initial.residentBytes()),
                mib(before.heapUsedBytes()),
                mib(after.heapUsedBytes()),
                mib(before.liveDataBytes()),
                mib(after.liveDataBytes()));
    }

    private void row(String name, Histogram h) {
        if (h.getTotalCount() == 0) {
            out.printf(Locale.ROOT, "%-14s %8d%n", name, 0);
            return;
        }
        out.printf(
                Locale.ROOT,
                "%-14s %8d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f%n",
                name,
                h.getTotalCount(),
                ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()),
                h.getMean() / 1000.0);
    }

    private void printSummary(
            Results r, double seconds, ServerSnapshot initial, ServerSnapshot before, ServerSnapshot after) {
        Map<String, Long> st = r.statuses();
        out.printf(
                Locale.ROOT,
                "SUMMARY mode=%s concurrency=%d rate=%.3f seconds=%.1f answered=%d ok=%d "
                        + "ok_per_s=%.3f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f rejected=%d "
                        + "rejected_p99_ms=%.1f status_500=%d status_504=%d other=%d client_failures=%d "
                        + "mean_batch=%.2f rss_initial_mib=%s rss_before_mib=%s rss_after_mib=%s "
                        + "heap_before_mib=%s heap_after_mib=%s%n",
                options.mode().name().toLowerCase(Locale.ROOT),
                options.mode() == LoadOptions.Mode.OPEN ? 0 : options.concurrency(),
                options.mode() == LoadOptions.Mode.OPEN ? options.rate() : Double.NaN,
                seconds,
                r.answered(),
                r.ok().getTotalCount(),
                r.ok().getTotalCount() / seconds,
                p(r.ok(), 50),
                p(r.ok(), 90),
                p(r.ok(), 99),
                r.ok().getTotalCount() == 0 ? Double.NaN : ms(r.ok().getMaxValue()),
                r.rejected().getTotalCount(),
                p(r.rejected(), 99),
                st.getOrDefault("500", 0L),
                st.getOrDefault("504", 0L),
                r.other().getTotalCount(),
                r.clientFailures(),
                after.meanBatchSizeSince(before),
                mib(initial.residentBytes()),
                mib(before.residentBytes()),
                mib(after.residentBytes()),
                mib(before.heapUsedBytes()),
                mib(after.heapUsedBytes()));
    }

    private static double p(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : ms(h.getValueAtPercentile(percentile));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    static String mib(double bytes) {
        return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.0f", bytes / (1024 * 1024));
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
