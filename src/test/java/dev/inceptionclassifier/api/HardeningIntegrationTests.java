package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.image.ImageCorpus;
import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import dev.inceptionclassifier.inference.InferenceFaultHook;
import dev.inceptionclassifier.support.RandomInceptionV4;
import dev.inceptionclassifier.support.TestImages;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * Hostile and odd uploads through HTTP, and faults injected into inference: every request gets a documented answer
 * and the service keeps serving. A test-only {@link InferenceFaultHook} recognises solid-colour images: magenta
 * fails its batch, cyan simulates a native out-of-memory, yellow makes the batch slow.
 */
@RandomInceptionV4
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.inference.max-batch-size=1",
            "classifier.inference.max-batch-delay=0ms",
            "classifier.inference.queue-capacity=1",
            "classifier.inference.request-timeout=120s",
            "classifier.inference.retry-after=2s",
            "server.tomcat.connection-timeout=2s"
        })
class HardeningIntegrationTests {

    @TestConfiguration
    static class Faults {
        @Bean
        InferenceFaultHook faultHook() {
            return (model, inputs) -> {
                for (float[] x : inputs) {
                    String colour = solidColour(x);
                    if (colour.equals("magenta")) {
                        throw new IllegalStateException("injected fault");
                    }
                    if (colour.equals("cyan")) {
                        throw new IllegalStateException("DefaultCPUAllocator: can't allocate memory: injected");
                    }
                    if (colour.equals("yellow")) {
                        Thread.sleep(3000);
                    }
                }
            };
        }

        /** The colour of a preprocessed image that is one solid colour (CHW, values in [-1, 1]). */
        static String solidColour(float[] x) {
            int plane = x.length / 3;
            float r = x[0];
            float g = x[plane];
            float b = x[2 * plane];
            if (x[plane - 1] != r || x[2 * plane - 1] != g || x[3 * plane - 1] != b) {
                return "";
            }
            if (r == 1f && g == -1f && b == 1f) {
                return "magenta";
            }
            if (r == -1f && g == 1f && b == 1f) {
                return "cyan";
            }
            if (r == 1f && g == 1f && b == -1f) {
                return "yellow";
            }
            return "";
        }
    }

    @LocalServerPort
    int port;

    HttpTestClient http;

    @BeforeEach
    void client() {
        http = new HttpTestClient(port);
    }

    private static final Map<Reason, Integer> STATUS = Map.of(
            Reason.EMPTY,
            400,
            Reason.UNSUPPORTED_FORMAT,
            415,
            Reason.UNDECODABLE,
            400,
            Reason.TOO_LARGE,
            413,
            Reason.BUDGET_EXCEEDED,
            422);
    private static final Map<Reason, String> TYPE = Map.of(
            Reason.EMPTY,
            "missing-image",
            Reason.UNSUPPORTED_FORMAT,
            "unsupported-media-type",
            Reason.UNDECODABLE,
            "undecodable-image",
            Reason.TOO_LARGE,
            "image-too-large",
            Reason.BUDGET_EXCEEDED,
            "decode-budget-exceeded");

    @Test
    void everyCorpusFileGetsItsDocumentedAnswerAndTheServiceKeepsServing() {
        List<ImageCorpus.Sample> samples = ImageCorpus.samples();
        assertThat(samples).hasSizeGreaterThanOrEqualTo(60);
        List<String> wrong = new ArrayList<>();
        for (ImageCorpus.Sample s : samples) {
            var r = http.postRaw("/classify?topK=1", s.declaredContentType(), s.bytes());
            int expected = s.expected() == null ? 200 : STATUS.get(s.expected());
            if (r.status() != expected) {
                wrong.add(s.name() + ": expected " + expected + " got " + r.status() + " " + r.body());
                continue;
            }
            if (s.expected() != null) {
                assertThat(r.contentType()).as(s.name()).startsWith("application/problem+json");
                assertThat(r.json().get("type").asString())
                        .as(s.name())
                        .endsWith("/problems/" + TYPE.get(s.expected()));
                assertThat(r.body())
                        .as(s.name())
                        .doesNotContain("Exception")
                        .doesNotContain("javax.")
                        .doesNotContain("at dev.");
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(http.postRaw("/classify", "image/jpeg", TestImages.jpeg(300, 200, 1))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aFailingBatchGives500AndOnlyThatRequestFails() {
        var failed = http.postRaw("/classify", "image/png", solid(Color.MAGENTA));
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.json().get("type").asString()).endsWith("/problems/inference-failed");
        assertThat(failed.body()).doesNotContain("injected");
        assertThat(http.postRaw("/classify", "image/jpeg", TestImages.jpeg(300, 200, 2))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aNativeOutOfMemoryGives503WithRetryAfterAndTheServiceContinues() {
        var oom = http.postRaw("/classify", "image/png", solid(Color.CYAN));
        assertThat(oom.status()).isEqualTo(503);
        assertThat(oom.json().get("type").asString()).endsWith("/problems/resource-exhausted");
        assertThat(oom.raw().headers().firstValue("Retry-After")).contains("2");
        assertThat(http.postRaw("/classify", "image/jpeg", TestImages.jpeg(300, 200, 3))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aFullQueueRejectsAtOnceAndShortDeadlinesExpire() throws Exception {
        byte[] slow = solid(Color.YELLOW);
        var running = CompletableFuture.supplyAsync(() -> http.postRaw("/classify", "image/png", slow));
        Thread.sleep(700);
        var queued = CompletableFuture.supplyAsync(() -> http.postRaw("/classify", "image/png", slow));
        Thread.sleep(700);
        long t0 = System.nanoTime();
        var rejected = http.postRaw("/classify", "image/jpeg", TestImages.jpeg(300, 200, 4));
        long rejectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(rejected.status()).isEqualTo(503);
        assertThat(rejected.json().get("type").asString()).endsWith("/problems/overloaded");
        assertThat(rejected.raw().headers().firstValue("Retry-After")).contains("2");
        assertThat(rejectMs).isLessThan(1000);
        // Health, metrics and the model list are never throttled.
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(http.get("/models").status()).isEqualTo(200);
        assertThat(http.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(running.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(queued.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);

        // A request that asks for a 200 ms deadline while the worker is busy gets 504.
        var busy = CompletableFuture.supplyAsync(() -> http.postRaw("/classify", "image/png", slow));
        Thread.sleep(700);
        var expired = http.postRaw("/classify?timeout=200ms", "image/jpeg", TestImages.jpeg(300, 200, 5));
        assertThat(expired.status()).isEqualTo(504);
        assertThat(expired.json().get("type").asString()).endsWith("/problems/deadline-exceeded");
        assertThat(busy.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        String metrics = http.get("/actuator/prometheus").body();
        assertThat(metrics.lines()
                        .filter(l -> l.startsWith("classifier_requests_total{") && l.contains("outcome=\"timeout\""))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                        .sum())
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void aTricklingUploadIsCutOffByTheReadTimeoutAndHoldsNoWorker() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            var out = socket.getOutputStream();
            out.write(("POST /classify HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n"
                            + "Content-Length: 100000\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
            out.flush();
            long t0 = System.nanoTime();
            // Meanwhile the service serves others: the stalled upload is on a request thread, not a worker.
            assertThat(http.postRaw("/classify", "image/jpeg", TestImages.jpeg(200, 150, 6))
                            .status())
                    .isEqualTo(200);
            String head =
                    new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(head).isEqualTo("HTTP/1.1 408");
            assertThat(waitedMs).isBetween(1000L, 12_000L);
        }
    }

    @Test
    void aTricklingMultipartUploadIsCutOffWith408NotA500() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            var out = socket.getOutputStream();
            out.write(("POST /classify HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: 100000\r\n\r\n"
                            + "--XX\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
            out.flush();
            String head =
                    new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 408");
        }
    }

    private static byte[] solid(Color colour) {
        return TestImages.write(TestImages.solid(320, 240, colour.getRGB()), "png");
    }
}
