package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inceptionclassifier.support.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole service on a random port, both architectures on seeded random weights (no network here), real JPEGs;
 * Inception-v4 runs compiled (the default), Inception-ResNet-v2 eager.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.fallback-to-random=false",
            "classifier.inference.max-batch-size=4",
            "classifier.inference.max-batch-delay=50ms",
            "classifier.inference.request-timeout=120s",
            "classifier.image.max-bytes=2000000"
        })
class ClassifyIntegrationTests {

    @TempDir
    static Path labelsDir;

    @LocalServerPort
    int port;

    HttpTestClient http;

    @DynamicPropertySource
    static void labels(DynamicPropertyRegistry registry) throws IOException {
        Path labels = labelsDir.resolve("labels.txt");
        Files.write(
                labels,
                IntStream.range(0, 1000).mapToObj(i -> "label number " + i).toList());
        // An indexed list binds from one property source only, so the whole list is declared here.
        registry.add("classifier.models[0].name", () -> "inception_v4");
        registry.add("classifier.models[0].architecture", () -> "inception_v4");
        registry.add("classifier.models[0].source", () -> "random");
        registry.add("classifier.models[0].labels", labels::toString);
        registry.add("classifier.models[1].name", () -> "inception_resnet_v2");
        registry.add("classifier.models[1].architecture", () -> "inception_resnet_v2");
        registry.add("classifier.models[1].source", () -> "random");
        registry.add("classifier.models[1].seed", () -> "7");
        registry.add("classifier.models[1].execution", () -> "eager");
    }

    @BeforeEach
    void client() {
        http = new HttpTestClient(port);
    }

    @Test
    void classifiesAJpegWithEachArchitecture() {
        byte[] jpeg = TestImages.jpeg(640, 480, 1);
        for (String model : List.of("inception_v4", "inception_resnet_v2")) {
            var r = http.postMultipart("/classify?model=" + model, "image", "photo.jpg", "image/jpeg", jpeg);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode json = r.json();
            assertThat(json.get("model").asString()).isEqualTo(model);
            assertThat(json.get("randomWeights").asBoolean()).isTrue();
            assertThat(json.get("weights").asString()).startsWith("random(seed=");
            assertThat(json.get("warning").asString()).contains("random weights");
            assertThat(json.get("precision").asString()).isEqualTo("fp32");
            assertThat(json.get("execution").asString()).isEqualTo(model.equals("inception_v4") ? "compiled" : "eager");
            JsonNode predictions = json.get("predictions");
            assertThat(predictions.size()).isEqualTo(5);
            double previous = 1.0;
            for (JsonNode p : predictions) {
                double prob = p.get("probability").asDouble();
                assertThat(prob).isBetween(0.0, previous);
                previous = prob;
                assertThat(p.get("index").asInt()).isBetween(0, 999);
            }
            JsonNode timings = json.get("timings");
            for (String t : List.of("decodeMs", "preprocessMs", "queueMs", "inferenceMs", "totalMs")) {
                assertThat(timings.get(t).asDouble()).as(t).isGreaterThanOrEqualTo(0.0);
            }
            assertThat(timings.get("totalMs").asDouble())
                    .isGreaterThanOrEqualTo(timings.get("inferenceMs").asDouble());
        }
    }

    @Test
    void labelsComeFromTheConfiguredFileAndDefaultToClassIndex() {
        byte[] jpeg = TestImages.jpeg(320, 240, 2);
        JsonNode v4 = http.postMultipart("/classify", "image", "a.jpg", "image/jpeg", jpeg)
                .json();
        JsonNode first = v4.get("predictions").get(0);
        assertThat(first.get("label").asString())
                .isEqualTo("label number " + first.get("index").asInt());
        JsonNode irv2 = http.postMultipart("/classify?model=inception_resnet_v2", "image", "a.jpg", "image/jpeg", jpeg)
                .json()
                .get("predictions")
                .get(0);
        assertThat(irv2.get("label").asString())
                .isEqualTo("class_" + irv2.get("index").asInt());
    }

    @Test
    void rawBodyMultipartAndAWrongContentTypeGiveTheSameAnswer() {
        byte[] jpeg = TestImages.jpeg(500, 375, 3);
        JsonNode multipart = http.postMultipart("/classify?topK=10", "image", "x.jpg", "image/jpeg", jpeg)
                .json();
        JsonNode raw = http.postRaw("/classify?topK=10", "image/jpeg", jpeg).json();
        var octet = http.postRaw("/classify?topK=10", "application/octet-stream", jpeg);
        var mislabelled = http.postRaw("/classify?topK=10", "image/png", jpeg);
        assertThat(octet.status()).isEqualTo(200);
        assertThat(mislabelled.status()).isEqualTo(200);
        assertThat(probabilities(raw)).isEqualTo(probabilities(multipart));
        assertThat(probabilities(octet.json())).isEqualTo(probabilities(multipart));
        assertThat(probabilities(mislabelled.json())).isEqualTo(probabilities(multipart));
        assertThat(multipart.get("predictions").size()).isEqualTo(10);
    }

    @Test
    void concurrentRequestsAreBatchedAndGiveTheSameProbabilitiesAsAlone() throws Exception {
        List<byte[]> images = IntStream.range(0, 4)
                .mapToObj(i -> TestImages.jpeg(400, 300, 10 + i))
                .toList();
        List<double[]> alone = new ArrayList<>();
        for (byte[] img : images) {
            alone.add(probabilities(
                    http.postRaw("/classify?topK=20", "image/jpeg", img).json()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<HttpTestClient.Response>> futures = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (byte[] img : images) {
                    futures.add(CompletableFuture.supplyAsync(
                            () -> http.postRaw("/classify?topK=20", "image/jpeg", img), pool));
                }
            }
            int maxBatch = 0;
            for (int i = 0; i < futures.size(); i++) {
                var r = futures.get(i).get();
                assertThat(r.status()).isEqualTo(200);
                JsonNode json = r.json();
                maxBatch = Math.max(maxBatch, json.get("batchSize").asInt());
                double[] batched = probabilities(json);
                double[] single = alone.get(i % images.size());
                // Same image, same weights: the same answer whether batched or not, to float32 rounding.
                for (int k = 0; k < single.length; k++) {
                    assertThat(batched[k]).isCloseTo(single[k], within(1e-5));
                }
            }
            assertThat(maxBatch).isGreaterThan(1);
        } finally {
            pool.shutdownNow();
        }
        String metrics = http.get("/actuator/prometheus").body();
        double batches = sum(metrics, "classifier_batch_size_count{");
        double images2 = sum(metrics, "classifier_batch_size_sum{");
        assertThat(images2 / batches).as("mean batch size").isGreaterThan(1.0);
    }

    @Test
    void modelsListsWhatIsServed() {
        var r = http.get("/models");
        assertThat(r.status()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.get("defaultModel").asString()).isEqualTo("inception_v4");
        JsonNode v4 = json.get("models").get(0);
        assertThat(v4.get("architecture").asString()).isEqualTo("inception_v4");
        assertThat(v4.get("weights").asString()).isEqualTo("random(seed=42)");
        assertThat(v4.get("randomWeights").asBoolean()).isTrue();
        assertThat(v4.get("numClasses").asInt()).isEqualTo(1000);
        assertThat(v4.get("inputSize").asInt()).isEqualTo(299);
        assertThat(v4.get("preprocessing").get("resizeTo").asInt()).isEqualTo(341);
        assertThat(v4.get("labels").asString()).isEqualTo("labels.txt");
        assertThat(v4.get("precision").asString()).isEqualTo("fp32");
        assertThat(v4.get("execution").asString()).isEqualTo("compiled");
        assertThat(v4.get("batchNormFolded").asBoolean()).isTrue();
        JsonNode irv2 = json.get("models").get(1);
        assertThat(irv2.get("weights").asString()).isEqualTo("random(seed=7)");
        assertThat(irv2.get("preprocessing").get("resizeTo").asInt()).isEqualTo(333);
        assertThat(irv2.get("preprocessing").get("cropPct").asDouble()).isEqualTo(0.8975);
        assertThat(irv2.get("execution").asString()).isEqualTo("eager");
        assertThat(json.get("inference").get("execution").asString()).isEqualTo("compiled");
        assertThat(json.get("inference").get("maxBatchSize").asInt()).isEqualTo(4);
    }

    @Test
    void badRequestsGetProblemDetails() {
        byte[] jpeg = TestImages.jpeg(64, 64, 0);
        assertProblem(
                http.postMultipart("/classify?topK=0", "image", "a.jpg", "image/jpeg", jpeg), 400, "invalid-parameter");
        assertProblem(
                http.postMultipart("/classify?topK=1001", "image", "a.jpg", "image/jpeg", jpeg),
                400,
                "invalid-parameter");
        assertProblem(
                http.postMultipart("/classify?topK=abc", "image", "a.jpg", "image/jpeg", jpeg),
                400,
                "invalid-parameter");
        assertProblem(
                http.postMultipart("/classify?model=resnet50", "image", "a.jpg", "image/jpeg", jpeg),
                404,
                "unknown-model");
        assertProblem(http.postMultipart("/classify", "file", "a.jpg", "image/jpeg", jpeg), 400, "missing-image");
        assertProblem(http.postRaw("/classify", "image/jpeg", new byte[0]), 400, "missing-image");
        // A multipart body that breaks off before its closing boundary is the client's error, not a 500.
        assertProblem(
                http.postRaw(
                        "/classify",
                        "multipart/form-data; boundary=XX",
                        "--XX\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\nabc"
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                400,
                "missing-image");
        assertProblem(
                http.postRaw("/classify", "text/html", "<html><body>hi</body></html>".getBytes()),
                415,
                "unsupported-media-type");
        assertProblem(
                http.postRaw("/classify", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2)),
                400,
                "undecodable-image");
        assertProblem(http.postRaw("/classify", "image/jpeg", new byte[2_000_001]), 413, "image-too-large");
        assertProblem(
                http.postMultipart("/classify", "image", "big.jpg", "image/jpeg", new byte[2_000_001]),
                413,
                "image-too-large");
        assertProblem(http.postRaw("/classify?timeout=soon", "image/jpeg", jpeg), 400, "invalid-parameter");
        // The service still answers normally afterwards.
        assertThat(http.postRaw("/classify", "image/jpeg", jpeg).status()).isEqualTo(200);
    }

    @Test
    void actuatorExposesOnlyHealthInfoAndPrometheus() {
        assertThat(http.get("/actuator/health/readiness").json().get("status").asString())
                .isEqualTo("UP");
        assertThat(http.get("/actuator/health/liveness").json().get("status").asString())
                .isEqualTo("UP");
        assertThat(http.get("/actuator/info").status()).isEqualTo(200);
        for (String hidden :
                List.of("/actuator/env", "/actuator/beans", "/actuator/heapdump", "/actuator/configprops")) {
            assertThat(http.get(hidden).status()).as(hidden).isEqualTo(404);
        }
        http.postRaw("/classify", "image/jpeg", TestImages.jpeg(100, 100, 4));
        String metrics = http.get("/actuator/prometheus").body();
        for (String name : List.of(
                "classifier_requests_total{",
                "classifier_decode_seconds_bucket{",
                "classifier_preprocess_seconds_bucket{",
                "classifier_inference_seconds_bucket{",
                "classifier_queue_wait_seconds_bucket{",
                "classifier_batch_size_bucket{",
                "classifier_batches_total{",
                "classifier_queue_depth{",
                "classifier_inflight{",
                "classifier_workers{",
                "classifier_process_resident_memory_bytes",
                "http_server_requests_seconds_bucket{")) {
            assertThat(metrics).as(name).contains(name);
        }
        assertThat(metrics).contains("outcome=\"ok\"").contains("outcome=\"bad_input\"");
    }

    private static void assertProblem(HttpTestClient.Response r, int status, String type) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode json = r.json();
        assertThat(json.get("type").asString()).isEqualTo("https://inception-classifier.dev/problems/" + type);
        assertThat(json.get("status").asInt()).isEqualTo(status);
        assertThat(r.body())
                .doesNotContain("Exception")
                .doesNotContain("at dev.")
                .doesNotContain("/tmp/");
    }

    private static double[] probabilities(JsonNode json) {
        JsonNode p = json.get("predictions");
        double[] out = new double[p.size() * 2];
        for (int i = 0; i < p.size(); i++) {
            out[2 * i] = p.get(i).get("index").asInt();
            out[2 * i + 1] = p.get(i).get("probability").asDouble();
        }
        return out;
    }

    static double sum(String prometheus, String prefix) {
        return Arrays.stream(prometheus.split("\n"))
                .filter(l -> l.startsWith(prefix))
                .collect(Collectors.summingDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))));
    }
}
