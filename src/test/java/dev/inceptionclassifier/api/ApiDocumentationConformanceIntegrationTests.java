package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.image.ImageCorpus;
import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import dev.inceptionclassifier.inference.InferenceService;
import dev.inceptionclassifier.support.RandomInceptionV4;
import dev.inceptionclassifier.support.TestImages;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * Every error response the OpenAPI document lists is produced against the real service and compared with the
 * document: status, content type, problem {@code type} (or the v2 error object), the documented schema and the
 * Retry-After header. The document drives the loop, so an error it lists without a way to produce it here fails the
 * test. Faults come from {@link HardeningIntegrationTests.Faults} (solid magenta fails a batch, cyan is a native
 * out-of-memory, yellow is slow); an API key is configured, so the 401s are documented and produced too.
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
            "classifier.image.max-bytes=2000000",
            "classifier.image.max-images-per-request=4",
            "classifier.image.max-request-bytes=4000000",
            "classifier.security.api-keys[0]=test-key",
            "server.tomcat.connection-timeout=2s"
        })
@Import(HardeningIntegrationTests.Faults.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiDocumentationConformanceIntegrationTests {

    private static final String KEY = "test-key";
    private static final String INFER = "/v2/models/inception_v4/infer";
    private static final String PROBLEMS = "https://inception-classifier.dev/problems/";
    /** Documented, and not produced by a request: only a bug in the service answers internal-error. */
    private static final List<String> UNREACHABLE = List.of("internal-error");

    @LocalServerPort
    int port;

    @Autowired
    InferenceService inference;

    HttpTestClient http;
    OpenApiDocument doc;

    @BeforeEach
    void client() {
        http = new HttpTestClient(port);
        doc = new OpenApiDocument(http.get("/v3/api-docs").body());
    }

    @Test
    @Order(1)
    void everyDocumentedProblemOfClassifyIsWhatTheServiceAnswers() throws Exception {
        byte[] jpeg = TestImages.jpeg(300, 200, 1);
        Map<String, Supplier<HttpTestClient.Response>> producers = new LinkedHashMap<>();
        producers.put("missing-image", () -> {
            Multipart m = new Multipart().file("file", "a.jpg", "image/jpeg", jpeg);
            return http.postRaw("/classify", m.contentType(), m.bytes(), "X-API-Key", KEY);
        });
        producers.put("invalid-parameter", () -> classify("/classify?topK=0", jpeg));
        producers.put("undecodable-image", () -> classify("/classify", Arrays.copyOf(jpeg, jpeg.length / 2)));
        producers.put("incomplete-upload", () -> partialUpload("/classify", "image/jpeg", true));
        producers.put("upload-timeout", () -> partialUpload("/classify", "image/jpeg", false));
        producers.put("unauthorized", () -> http.postRaw("/classify", "image/jpeg", jpeg));
        producers.put("unknown-model", () -> classify("/classify?model=resnet50", jpeg));
        producers.put("image-too-large", () -> classify("/classify", new byte[2_000_001]));
        producers.put(
                "unsupported-media-type", () -> classify("/classify", "plain text".getBytes(StandardCharsets.UTF_8)));
        producers.put("decode-budget-exceeded", () -> classify("/classify", budgetExceeded()));
        producers.put("overloaded", () -> whileQueueIsFull(() -> classify("/classify", jpeg)));
        producers.put("resource-exhausted", () -> classify("/classify", solid(Color.CYAN)));
        producers.put("inference-failed", () -> classify("/classify", solid(Color.MAGENTA)));
        producers.put("deadline-exceeded", () -> whileBusy(() -> classify("/classify?timeout=200ms", jpeg)));
        producers.put("http-error", () -> delete("/classify"));

        List<String> checked = new ArrayList<>();
        for (var response : doc.operation("/classify", "post").get("responses").properties()) {
            String status = response.getKey();
            if (status.startsWith("2")) {
                continue;
            }
            JsonNode media = response.getValue().path("content").path("application/problem+json");
            assertThat(media.isMissingNode()).as("%s is problem+json", status).isFalse();
            for (String type : documentedTypes(media)) {
                String slug = type.substring(PROBLEMS.length());
                if (UNREACHABLE.contains(slug) || "shutting-down".equals(slug)) {
                    continue;
                }
                assertThat(producers).as("a way to produce %s %s", status, slug).containsKey(slug);
                HttpTestClient.Response r = producers.get(slug).get();
                int expected = status.equals("default") ? 405 : Integer.parseInt(status);
                assertThat(r.status()).as("%s: %s", slug, r.body()).isEqualTo(expected);
                assertThat(r.contentType()).as(slug).startsWith("application/problem+json");
                assertThat(r.json().get("type").asString()).isEqualTo(type);
                assertThat(doc.responseViolations(r.json(), "/classify", "post", status, "application/problem+json"))
                        .as(slug)
                        .isEmpty();
                if (response.getValue().path("headers").has("Retry-After")) {
                    assertThat(r.raw().headers().firstValue("Retry-After"))
                            .as(slug)
                            .contains("2");
                }
                checked.add(status + " " + slug);
            }
        }
        assertThat(checked)
                .contains(
                        "400 missing-image",
                        "401 unauthorized",
                        "408 upload-timeout",
                        "503 overloaded",
                        "504 deadline-exceeded",
                        "default http-error");
    }

    @Test
    @Order(2)
    void everyDocumentedErrorOfV2InferIsWhatTheServiceAnswers() {
        String ok = imageRequest(TestImages.jpeg(300, 200, 2), "");
        Map<String, Supplier<HttpTestClient.Response>> producers = new LinkedHashMap<>();
        producers.put("400", () -> infer(INFER, "{\"inputs\": ["));
        producers.put("401", () -> http.postRaw(INFER, "application/json", ok.getBytes(StandardCharsets.UTF_8)));
        producers.put("404", () -> infer("/v2/models/resnet50/infer", ok));
        producers.put("408", () -> partialUpload(INFER, "application/json", false));
        producers.put(
                "413",
                () -> http.postExpectingRefusal(INFER, "application/json", new byte[4_000_001], "X-API-Key", KEY));
        producers.put(
                "415",
                () -> http.postRaw(
                        INFER,
                        "application/json",
                        ok.getBytes(StandardCharsets.UTF_8),
                        "X-API-Key",
                        KEY,
                        "Content-Encoding",
                        "gzip"));
        producers.put("422", () -> infer(INFER, imageRequest(budgetExceeded(), "")));
        producers.put("503", () -> whileQueueIsFull(() -> infer(INFER, ok)));
        producers.put("500", () -> infer(INFER, imageRequest(solid(Color.MAGENTA), "")));
        producers.put(
                "504",
                () -> whileBusy(() -> infer(
                        INFER, imageRequest(TestImages.jpeg(300, 200, 3), "\"parameters\":{\"timeout\":200000}"))));

        List<String> checked = new ArrayList<>();
        for (var response : doc.operation("/v2/models/{name}/infer", "post")
                .get("responses")
                .properties()) {
            String status = response.getKey();
            if (status.startsWith("2")) {
                continue;
            }
            assertThat(producers).as("a way to produce %s", status).containsKey(status);
            HttpTestClient.Response r = producers.get(status).get();
            assertThat(r.status()).as("%s: %s", status, r.body()).isEqualTo(Integer.parseInt(status));
            String media = response.getValue()
                    .get("content")
                    .properties()
                    .iterator()
                    .next()
                    .getKey();
            assertThat(r.contentType()).as(status).startsWith(media);
            assertThat(doc.responseViolations(r.json(), "/v2/models/{name}/infer", "post", status, media))
                    .as(status)
                    .isEmpty();
            if (response.getValue().path("headers").has("Retry-After")) {
                assertThat(r.raw().headers().firstValue("Retry-After"))
                        .as(status)
                        .contains("2");
            }
            checked.add(status);
        }
        assertThat(checked)
                .containsExactlyInAnyOrder("400", "401", "404", "408", "413", "415", "422", "503", "500", "504");
    }

    @Test
    @Order(3)
    void theApiKeyGuardsInferenceHoweverThePathIsSpelledAndTheDocumentationStaysOpen() {
        byte[] body = imageRequest(TestImages.jpeg(120, 90, 4), "").getBytes(StandardCharsets.UTF_8);
        for (String path : List.of(
                INFER,
                "/v2/models/inception_v4/%69nfer",
                INFER + ";x=1",
                "/v2/models/inception_v4/versions/1/infer",
                "/%63lassify",
                "/classify;x=1")) {
            var r = http.postRaw(path, "application/json", body);
            assertThat(r.status()).as(path).isEqualTo(401);
        }
        assertThat(http.postRaw(INFER, "application/json", body, "X-API-Key", KEY)
                        .status())
                .isEqualTo(200);
        for (String open : List.of("/v2/health/ready", "/v3/api-docs", "/swagger-ui/index.html")) {
            assertThat(http.get(open).status()).as(open).isEqualTo(200);
        }
        for (String guarded : List.of("/v2", "/v2/models/inception_v4", "/models")) {
            assertThat(http.get(guarded).status()).as(guarded).isEqualTo(401);
        }
        JsonNode scheme = doc.root.get("components").get("securitySchemes").get("apiKey");
        assertThat(scheme.get("in").asString()).isEqualTo("header");
        assertThat(scheme.get("name").asString()).isEqualTo("X-API-Key");
        assertThat(doc.root.toString()).doesNotContain(KEY);
        assertThat(doc.operation("/classify", "post").get("security").toString())
                .contains("apiKey");
        assertThat(doc.operation("/models", "get").get("security").toString()).contains("apiKey");
        assertThat(doc.operation("/v2/health/ready", "get").has("security")).isFalse();
    }

    @Test
    @Order(4)
    @DirtiesContext
    void shuttingDownIsAnsweredAsDocumented() {
        inference.stop();
        var classify = classify("/classify", TestImages.jpeg(100, 100, 5));
        assertThat(classify.status()).isEqualTo(503);
        assertThat(classify.json().get("type").asString()).isEqualTo(PROBLEMS + "shutting-down");
        assertThat(documentedTypes(doc.operation("/classify", "post")
                        .get("responses")
                        .get("503")
                        .get("content")
                        .get("application/problem+json")))
                .contains(PROBLEMS + "shutting-down");
        assertThat(doc.responseViolations(classify.json(), "/classify", "post", "503", "application/problem+json"))
                .isEmpty();
        var v2 = infer(INFER, imageRequest(TestImages.jpeg(100, 100, 6), ""));
        assertThat(v2.status()).isEqualTo(503);
        assertThat(v2.raw().headers().firstValue("Retry-After")).contains("2");
        assertThat(v2.json().get("error").asString()).contains("shutting down");
        assertThat(http.get("/v2/health/ready").status()).isEqualTo(400);
        assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------------------------------

    private HttpTestClient.Response classify(String path, byte[] body) {
        return http.postRaw(path, "application/octet-stream", body, "X-API-Key", KEY);
    }

    private HttpTestClient.Response infer(String path, String json) {
        return http.postRaw(path, "application/json", json.getBytes(StandardCharsets.UTF_8), "X-API-Key", KEY);
    }

    private static String imageRequest(byte[] image, String extra) {
        return "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
                + Base64.getEncoder().encodeToString(image) + "\"]}]" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static List<String> documentedTypes(JsonNode media) {
        List<String> types = new ArrayList<>();
        for (JsonNode part : media.get("schema").get("allOf")) {
            JsonNode e = part.path("properties").path("type").path("enum");
            e.forEach(t -> types.add(t.asString()));
        }
        return types;
    }

    /** A slow request runs and another waits: the one queue slot is taken while {@code probe} runs. */
    private HttpTestClient.Response whileQueueIsFull(Supplier<HttpTestClient.Response> probe) {
        byte[] slow = solid(Color.YELLOW);
        var running = CompletableFuture.supplyAsync(() -> classify("/classify", slow));
        sleep(700);
        var queued = CompletableFuture.supplyAsync(() -> classify("/classify", slow));
        sleep(700);
        HttpTestClient.Response r = probe.get();
        assertThat(running.join().status()).isEqualTo(200);
        assertThat(queued.join().status()).isEqualTo(200);
        return r;
    }

    /** The worker is busy with a slow image while {@code probe} runs. */
    private HttpTestClient.Response whileBusy(Supplier<HttpTestClient.Response> probe) {
        var busy = CompletableFuture.supplyAsync(() -> classify("/classify", solid(Color.YELLOW)));
        sleep(700);
        HttpTestClient.Response r = probe.get();
        assertThat(busy.join().status()).isEqualTo(200);
        return r;
    }

    /**
     * A body that stops after a few bytes of the declared 100000: the client half-closes ({@code end}, a 400
     * incomplete-upload) or goes silent (a 408 after the 2 s read timeout).
     */
    private HttpTestClient.Response partialUpload(String path, String contentType, boolean end) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            var out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
                            + "\r\nX-API-Key: " + KEY + "\r\nConnection: close\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, '{'});
            out.flush();
            if (end) {
                socket.shutdownOutput();
            }
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            String headers = response.substring(0, response.indexOf("\r\n\r\n"));
            String contentTypeHeader = headers.lines()
                    .filter(l -> l.toLowerCase().startsWith("content-type:"))
                    .map(l -> l.substring(13).trim())
                    .findFirst()
                    .orElse("");
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            if (headers.toLowerCase().contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return new HttpTestClient.Response(status, contentTypeHeader, body, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int eol = chunked.indexOf("\r\n", i);
            int size = Integer.parseInt(chunked.substring(i, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    /** The smallest corpus image that is refused for its decoding budget (under every size limit here). */
    private static byte[] budgetExceeded() {
        return ImageCorpus.samples().stream()
                .filter(s -> s.expected() == Reason.BUDGET_EXCEEDED)
                .map(ImageCorpus.Sample::bytes)
                .min(java.util.Comparator.comparingInt(b -> b.length))
                .orElseThrow();
    }

    /** A method /classify does not have, with the key, so the answer is the 405 and not the 401. */
    private HttpTestClient.Response delete(String path) {
        try {
            var r = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                                    .header("X-API-Key", KEY)
                                    .DELETE()
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            return new HttpTestClient.Response(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] solid(Color colour) {
        return TestImages.write(TestImages.solid(320, 240, colour.getRGB()), "png");
    }

    private static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
