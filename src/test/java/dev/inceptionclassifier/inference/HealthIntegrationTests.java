package dev.inceptionclassifier.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.support.RandomInceptionV4;
import dev.inceptionclassifier.support.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * Readiness and liveness follow the workers: a batch that hangs past {@code stuck-batch-multiple} x
 * {@code request-timeout} takes both DOWN (the one worker is stuck in a call that cannot be cancelled), and both come
 * back when the batch ends. The hang is a test hook that blocks the batch until released.
 */
@RandomInceptionV4
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.models[0].preprocess.input-size=75",
            "classifier.inference.max-batch-size=1",
            "classifier.inference.request-timeout=1s",
            "classifier.inference.stuck-batch-multiple=2"
        })
class HealthIntegrationTests {

    /** Closed while the test wants batches to hang; the hook is shared with the application context. */
    static final Gate GATE = new Gate();

    static final class Gate {
        private volatile CountDownLatch closed = new CountDownLatch(0);
        private volatile CountDownLatch entered = new CountDownLatch(1);

        void close() {
            entered = new CountDownLatch(1);
            closed = new CountDownLatch(1);
        }

        void open() {
            closed.countDown();
        }

        void pass() throws InterruptedException {
            CountDownLatch c = closed;
            if (c.getCount() > 0) {
                entered.countDown();
                c.await();
            }
        }
    }

    @TestConfiguration
    static class Hook {
        @Bean
        InferenceFaultHook faultHook() {
            return (model, inputs) -> GATE.pass();
        }
    }

    @LocalServerPort
    int port;

    final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void open() {
        GATE.open();
    }

    @Test
    void aHungBatchTakesReadinessAndLivenessDownUntilItEnds() throws Exception {
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);

        GATE.close();
        CompletableFuture<HttpResponse<String>> hung =
                client.sendAsync(classify(), HttpResponse.BodyHandlers.ofString());
        assertThat(GATE.entered.await(10, TimeUnit.SECONDS)).isTrue();
        // The client is answered by its deadline while the batch still hangs.
        assertThat(hung.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
        // Not yet stuck: under 2 x 1 s.
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

        HttpResponse<String> readiness = waitFor(() -> get("/actuator/health/readiness"), 503);
        assertThat(readiness.body()).contains("\"DOWN\"").contains("stuckWorkers\":1");
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(503);
        assertThat(liveness.body()).contains("no worker can serve");

        GATE.open();
        waitFor(() -> get("/actuator/health/readiness"), 200);
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(client.send(classify(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
    }

    private HttpRequest classify() {
        byte[] png = TestImages.png(64, 48, 0);
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/classify"))
                .header("Content-Type", "image/png")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                .build();
    }

    private HttpResponse<String> get(String path) {
        try {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> waitFor(Supplier<HttpResponse<String>> probe, int status)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> r;
        while ((r = probe.get()).statusCode() != status) {
            if (System.nanoTime() > until) {
                throw new AssertionError("no " + status + " within 10 s; last: " + r.statusCode() + " " + r.body());
            }
            Thread.sleep(50);
        }
        return r;
    }
}
