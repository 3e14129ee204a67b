package dev.inceptionclassifier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrafficTests {

    private final ExecutorService callbacks = Traffic.callbackExecutor();
    private final HttpClient client = Traffic.newClient(callbacks);

    @AfterEach
    void close() {
        callbacks.shutdownNow();
    }

    private static ImageCorpus corpus() {
        return new ImageCorpus(List.of(
                new ImageCorpus.Image("a.jpg", new byte[1000], "image/jpeg"),
                new ImageCorpus.Image("b.jpg", new byte[3000], "image/jpeg")));
    }

    private Traffic traffic(StubService stub, boolean multipart, Duration timeout) {
        return new Traffic(client, stub.url().resolve("/classify"), corpus(), multipart, timeout);
    }

    @Test
    void closedLoopRecordsOnlyTheMeasuredWindowAndSplitsByStatus() throws Exception {
        // Every third request is rejected, like a full queue.
        try (StubService stub = new StubService(5, n -> n % 3 == 0 ? 503 : 200)) {
            Results r = new Results();
            long start = System.nanoTime();
            traffic(stub, false, Duration.ofSeconds(5)).closedLoop(4, start + ms(200), start + ms(1000), r);
            assertThat(r.answered()).isPositive().isLessThan(stub.requests());
            assertThat(r.count("200")).isPositive();
            assertThat(r.count("503")).isPositive();
            assertThat(r.rejected().getTotalCount()).isEqualTo(r.count("503"));
            assertThat(r.ok().getTotalCount()).isEqualTo(r.count("200"));
            assertThat(r.problems()).containsExactly(java.util.Map.entry("503 overloaded", r.count("503")));
            assertThat(r.clientFailures()).isZero();
            assertThat(r.meanBatchSizeField()).isEqualTo(4.0);
            // The stub serves one request at a time, 5 ms each: latency of a 200 is at least that.
            assertThat(r.ok().getMinValue()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toMicros(5));
        }
    }

    @Test
    void openLoopCountsQueueingFromTheIntendedSendTime() throws Exception {
        // Capacity 10 req/s (100 ms each, one at a time), offered 20 req/s for 1 s: the backlog grows to ~10
        // requests, so the last ones wait about a second. A closed loop with one client would see ~100 ms.
        try (StubService stub = new StubService(100, n -> 200)) {
            Traffic t = traffic(stub, false, Duration.ofSeconds(10));
            Results open = new Results();
            long start = System.nanoTime();
            long unanswered = t.openLoop(20, start, start, start + ms(1000), 1000, open);
            assertThat(unanswered).isZero();
            assertThat(open.total()).isEqualTo(20);
            assertThat(open.count("200")).isEqualTo(20);
            assertThat(open.ok().getMaxValue()).isGreaterThan(TimeUnit.MILLISECONDS.toMicros(800));
            assertThat(open.ok().getValueAtPercentile(50)).isGreaterThan(TimeUnit.MILLISECONDS.toMicros(300));

            Results closed = new Results();
            long s2 = System.nanoTime();
            t.closedLoop(1, s2, s2 + ms(500), closed);
            assertThat(closed.ok().getMaxValue()).isLessThan(TimeUnit.MILLISECONDS.toMicros(400));
        }
    }

    @Test
    void openLoopKeepsItsScheduleAndCountsArrivalsDroppedAtTheCap() throws Exception {
        try (StubService stub = new StubService(300, n -> 200)) {
            Results r = new Results();
            long start = System.nanoTime();
            traffic(stub, false, Duration.ofSeconds(10)).openLoop(50, start, start, start + ms(400), 3, r);
            // 20 arrivals in 400 ms; only 3 may be in flight while each takes at least 300 ms.
            assertThat(r.total()).isEqualTo(20);
            assertThat(r.count("client:dropped-at-cap")).isGreaterThanOrEqualTo(15);
            assertThat(r.count("200")).isEqualTo(20 - r.count("client:dropped-at-cap"));
        }
    }

    @Test
    void requestsThatAreNeverAnsweredAreCountedAsClientTimeouts() throws Exception {
        try (StubService stub = new StubService(0, n -> 0)) {
            Results r = new Results();
            long start = System.nanoTime();
            long unanswered =
                    traffic(stub, false, Duration.ofMillis(200)).openLoop(10, start, start, start + ms(300), 100, r);
            assertThat(unanswered).isZero();
            assertThat(r.total()).isEqualTo(3);
            assertThat(r.answered()).isZero();
            assertThat(r.count("client:HttpTimeoutException")).isEqualTo(3);
        }
    }

    @Test
    void countLoopSendsExactlyTheCountAndMultipartCarriesTheImage() throws Exception {
        try (StubService stub = new StubService(0, n -> 200)) {
            Results r = new Results();
            java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
            traffic(stub, true, Duration.ofSeconds(5))
                    .countLoop(3, 25, r, done -> last.accumulateAndGet(done, Math::max));
            assertThat(stub.requests()).isEqualTo(25);
            assertThat(r.count("200")).isEqualTo(25);
            assertThat(last.get()).isEqualTo(25);
            // 13 x 1000 + 12 x 3000 bytes of image plus the multipart framing.
            assertThat(stub.bytes()).isGreaterThan(13 * 1000 + 12 * 3000);
        }
    }

    @Test
    void theWholeCommandReportsLatencyBatchSizeAndMemory(@TempDir Path dir) throws Exception {
        try (StubService stub = new StubService(2, n -> n % 5 == 0 ? 429 : 200)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            LoadOptions o = LoadOptions.parse(
                    "--url",
                    stub.url().toString(),
                    "--mode",
                    "closed",
                    "--concurrency",
                    "4",
                    "--duration",
                    "1s",
                    "--warmup",
                    "200ms",
                    "--generate",
                    "3",
                    "--generate-dir",
                    dir.toString(),
                    "--sizes",
                    "64x48,96x96");
            int rc = new LoadGenerator(o, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
            String report = buf.toString(StandardCharsets.UTF_8);
            assertThat(rc).as(report).isZero();
            assertThat(report)
                    .contains("mean batch size 4.00")
                    .contains("RSS 120 -> 120 MiB")
                    .contains("SUMMARY mode=closed concurrency=4")
                    .contains("status_500=0")
                    .contains("mean_batch=4.00")
                    .containsPattern("statuses +\\{200=\\d+, 429=\\d+}");
        }
    }

    @Test
    void theSoakReportsMemoryEveryNRequests(@TempDir Path dir) throws Exception {
        try (StubService stub = new StubService(0, n -> 200)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            LoadOptions o = LoadOptions.parse(
                    "--url",
                    stub.url().toString(),
                    "--mode",
                    "soak",
                    "--requests",
                    "300",
                    "--warmup-requests",
                    "20",
                    "--snapshot-every",
                    "100",
                    "--concurrency",
                    "4",
                    "--generate",
                    "2",
                    "--generate-dir",
                    dir.toString(),
                    "--sizes",
                    "64x48");
            int rc = new LoadGenerator(o, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
            String report = buf.toString(StandardCharsets.UTF_8);
            assertThat(rc).as(report).isZero();
            assertThat(stub.requests()).isEqualTo(320);
            assertThat(report)
                    .containsPattern("\\n100 +\\d+ +120 +10 ")
                    .containsPattern("\\n300 +\\d+ +120 +10 ")
                    .contains("answered       300 in")
                    .contains("SUMMARY mode=soak");
        }
    }

    @Test
    void anAbsentServiceIsAClearError() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LoadOptions o = LoadOptions.parse(
                "--url",
                "http://127.0.0.1:" + port,
                "--generate",
                "1",
                "--sizes",
                "8x8",
                "--generate-dir",
                java.nio.file.Files.createTempDirectory("bench").toString());
        assertThat(new LoadGenerator(o, new PrintStream(buf, true, StandardCharsets.UTF_8)).run())
                .isEqualTo(3);
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
