package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inceptionclassifier.image.ImageLimits;
import dev.inceptionclassifier.image.ImagePipeline;
import dev.inceptionclassifier.inference.ServedModels;
import dev.inceptionclassifier.support.Python;
import dev.inceptionclassifier.support.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The interfaces beside {@code /classify} on the whole service (seeded random weights, real JPEGs): the OpenAPI
 * document (valid OpenAPI 3.1, complete, matching real responses), the v2 protocol driven by a raw client written
 * from its specification, Triton's classification and binary extensions, and several images per request.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.fallback-to-random=false",
            "classifier.inference.max-batch-size=4",
            "classifier.inference.max-batch-delay=50ms",
            "classifier.inference.request-timeout=120s",
            "classifier.image.max-bytes=2000000",
            "classifier.image.max-images-per-request=4",
            "classifier.image.max-request-bytes=4000000"
        })
class ProtocolsIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String INFER = "/v2/models/inception_v4/infer";

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) throws IOException {
        Path labels = dir.resolve("labels.txt");
        Files.write(labels, IntStream.range(0, 1000).mapToObj(i -> "label " + i).toList());
        registry.add("classifier.models[0].name", () -> "inception_v4");
        registry.add("classifier.models[0].architecture", () -> "inception_v4");
        registry.add("classifier.models[0].source", () -> "random");
        registry.add("classifier.models[0].labels", labels::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    ServedModels models;

    @Autowired
    PreprocessSpecs preprocessing;

    HttpTestClient http;
    static OpenApiDocument doc;
    static final byte[] PHOTO_A = TestImages.jpeg(400, 300, 21);
    static final byte[] PHOTO_B = TestImages.jpeg(320, 240, 22);
    static final byte[] PHOTO_C = TestImages.png(500, 375, 23);

    @BeforeEach
    void client() {
        http = new HttpTestClient(port);
        if (doc == null) {
            var r = http.get("/v3/api-docs");
            assertThat(r.status()).isEqualTo(200);
            doc = new OpenApiDocument(r.body());
        }
    }

    // ----------------------------------------------------------------------------------------------- OpenAPI

    @Test
    void theDocumentIsValidOpenApi31AndItsSchemasValidJsonSchema() {
        assertThat(doc.root.get("openapi").asString()).startsWith("3.1.");
        assertThat(doc.oasViolations()).isEmpty();
        assertThat(doc.schemaObjectViolations()).isEmpty();
        // A mutated document must fail, or the validation above proves nothing.
        var broken = new OpenApiDocument(doc.root.toString().replace("\"responses\"", "\"answers\""));
        assertThat(broken.oasViolations()).isNotEmpty();
    }

    @Test
    void everyControllerMappingIsDocumentedAndNothingElse() {
        Set<String> mapped = new HashSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (!isOurs(method)) {
                return;
            }
            for (String path : info.getPathPatternsCondition().getPatternValues()) {
                for (var m : info.getMethodsCondition().getMethods()) {
                    mapped.add(m.name().toLowerCase() + " " + path);
                }
            }
        });
        assertThat(mapped)
                .contains(
                        "post /classify",
                        "get /models",
                        "post /v2/models/{name}/infer",
                        "post /v2/models/{name}/versions/{version}/infer");
        Set<String> documented = new HashSet<>();
        for (var path : doc.root.get("paths").properties()) {
            for (var op : path.getValue().properties()) {
                documented.add(op.getKey() + " " + path.getKey());
            }
        }
        assertThat(documented).isEqualTo(mapped);
    }

    @Test
    void documentedExamplesMatchTheirSchemas() {
        List<String> wrong = new ArrayList<>();
        for (var path : doc.root.get("paths").properties()) {
            for (var op : path.getValue().properties()) {
                for (var response : op.getValue().path("responses").properties()) {
                    for (var media : response.getValue().path("content").properties()) {
                        for (var example : media.getValue().path("examples").properties()) {
                            doc.responseViolations(
                                            example.getValue().get("value"),
                                            path.getKey(),
                                            op.getKey(),
                                            response.getKey(),
                                            media.getKey())
                                    .forEach(v -> wrong.add(op.getKey() + " "
                                            + path.getKey() + " " + response.getKey() + " " + example.getKey() + ": "
                                            + v));
                        }
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void swaggerUiIsServedFromThisOrigin() {
        var redirect = http.get("/swagger-ui.html");
        assertThat(redirect.status()).isEqualTo(302);
        String location = redirect.raw().headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith("/swagger-ui/index.html");
        var page = http.get("/swagger-ui/index.html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
        assertThat(http.get("/v3/api-docs/swagger-config").body()).contains("/v3/api-docs");
    }

    @Test
    void modelsAndSingleClassifyAnswersMatchTheDocument() {
        var models = http.get("/models");
        assertThat(doc.violations(models.json(), "ModelsResponse")).isEmpty();
        var one = http.postMultipart("/classify", "image", "a.jpg", "image/jpeg", PHOTO_A);
        assertThat(one.status()).isEqualTo(200);
        assertThat(doc.violations(one.json(), "ClassifyResponse")).isEmpty();
        assertThat(doc.responseViolations(one.json(), "/classify", "post", "200", "application/json"))
                .isEmpty();
        // A field the document does not know is refused (so the document cannot silently fall behind).
        var extended = ((tools.jackson.databind.node.ObjectNode) one.json()).put("undocumented", 1);
        assertThat(doc.violations(extended, "ClassifyResponse")).isNotEmpty();
    }

    // ----------------------------------------------------------------------------------------------- batch /classify

    @Test
    void severalImagePartsAnswerAListInOrderWithOneProblemPerBadImage() {
        byte[] text = "just some notes, not an image".getBytes(StandardCharsets.UTF_8);
        Multipart parts = new Multipart()
                .file("image", "a.jpg", "image/jpeg", PHOTO_A)
                .file("image", "notes.txt", "text/plain", text)
                .file("image", "c.png", "image/png", PHOTO_C)
                .file("image", "big.jpg", "image/jpeg", new byte[2_000_001]);
        var r = http.postRaw("/classify?topK=5", parts.contentType(), parts.bytes());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(doc.violations(json, "BatchClassifyResponse")).isEmpty();
        assertThat(json.get("randomWeights").asBoolean()).isTrue();
        JsonNode results = json.get("results");
        assertThat(results.size()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(results.get(i).get("index").asInt()).isEqualTo(i);
        }
        assertThat(results.get(1).get("status").asInt()).isEqualTo(415);
        assertThat(results.get(1).get("problem").get("type").asString()).endsWith("/problems/unsupported-media-type");
        assertThat(results.get(3).get("status").asInt()).isEqualTo(413);
        assertThat(results.get(3).get("problem").get("type").asString()).endsWith("/problems/image-too-large");
        // The good images get exactly their single-image answers (to float32 rounding across batch compositions).
        assertSamePredictions(results.get(0).get("result"), classifyAlone(PHOTO_A));
        assertSamePredictions(results.get(2).get("result"), classifyAlone(PHOTO_C));
        assertThat(results.get(0).get("result").get("batchSize").asInt()).isEqualTo(2);
    }

    @Test
    void oneImagePartKeepsTheSingleAnswerAndTooManyPartsAreRefused() {
        Multipart one = new Multipart().file("image", "a.jpg", "image/jpeg", PHOTO_A);
        JsonNode single =
                http.postRaw("/classify", one.contentType(), one.bytes()).json();
        assertThat(single.has("predictions")).isTrue();
        assertThat(single.has("results")).isFalse();
        Multipart five = new Multipart();
        for (int i = 0; i < 5; i++) {
            five.file("image", i + ".jpg", "image/jpeg", PHOTO_B);
        }
        var refused = http.postRaw("/classify", five.contentType(), five.bytes());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("type").asString()).endsWith("/problems/invalid-parameter");
        assertThat(refused.json().get("detail").asString()).contains("At most 4 images");
    }

    // ----------------------------------------------------------------------------------------------- v2

    @Test
    void v2MetadataAndHealthFollowTheProtocol() {
        var server = http.get("/v2");
        assertThat(doc.violations(server.json(), "V2ServerMetadata")).isEmpty();
        assertThat(server.json().get("extensions").toString()).contains("classification", "binary_tensor_data");
        assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
        assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);
        assertThat(http.get("/v2/health/ready").body()).isEmpty();
        assertThat(http.get("/v2/models/inception_v4/ready").status()).isEqualTo(200);
        assertThat(http.get("/v2/models/inception_v4/versions/1/ready").status())
                .isEqualTo(200);
        JsonNode meta = http.get("/v2/models/inception_v4").json();
        assertThat(doc.violations(meta, "V2ModelMetadata")).isEmpty();
        assertThat(meta.get("inputs").toString())
                .isEqualTo("[{\"name\":\"image\",\"datatype\":\"BYTES\","
                        + "\"shape\":[-1]},{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,3,299,299]}]");
        assertThat(meta.get("outputs").toString())
                .isEqualTo("[{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,1000]}]");
        assertThat(meta.get("parameters").get("random_weights").asBoolean()).isTrue();
        assertThat(http.get("/v2/models/inception_v4/versions/1").json()).isEqualTo(meta);
        var unknown = http.get("/v2/models/resnet50");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/json");
        assertThat(unknown.json().get("error").asString()).contains("Unknown model 'resnet50'");
        assertThat(http.get("/v2/models/inception_v4/versions/2").status()).isEqualTo(404);
        assertThat(http.get("/v2/models/resnet50/ready").status()).isEqualTo(404);
    }

    @Test
    void v2JsonWithAnEncodedImageGivesTheProbabilitiesOfClassify() {
        JsonNode classify =
                http.postRaw("/classify?topK=10", "image/jpeg", PHOTO_A).json();
        var r = infer(imagesRequest(List.of(PHOTO_A), "\"outputs\":[{\"name\":\"probabilities\"}]"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode json = r.json();
        assertThat(doc.violations(json, "V2InferenceResponse")).isEmpty();
        assertThat(json.get("id").asString()).isEqualTo("req-1");
        assertThat(json.get("model_name").asString()).isEqualTo("inception_v4");
        assertThat(json.get("parameters").get("warning").asString()).contains("random weights");
        JsonNode out = json.get("outputs").get(0);
        assertThat(out.get("datatype").asString()).isEqualTo("FP32");
        assertThat(out.get("shape").toString()).isEqualTo("[1,1000]");
        float[] p = floats(out.get("data"));
        assertThat(sum(p, 0, 1000)).isCloseTo(1.0, within(1e-4));
        for (JsonNode pred : classify.get("predictions")) {
            assertThat((double) p[pred.get("index").asInt()])
                    .isCloseTo(pred.get("probability").asDouble(), within(1e-6));
        }
    }

    @Test
    void v2PreprocessedTensorsGiveTheSameAnswerAsTheImages() {
        var spec = preprocessing.of(models.find("inception_v4").orElseThrow());
        ImagePipeline pipeline = new ImagePipeline(
                new ImageLimits(2_000_000, 40_000_000, 20_000, 1 << 22, 100, java.time.Duration.ofSeconds(10)));
        float[] a = pipeline.preprocess(pipeline.decode(PHOTO_A), spec);
        float[] b = pipeline.preprocess(pipeline.decode(PHOTO_B), spec);
        float[] both = new float[a.length * 2];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        // Binary FP32 input (Triton's extension), JSON output.
        String header = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[2,3,299,299],"
                + "\"parameters\":{\"binary_data_size\":" + both.length * 4 + "}}]}";
        ByteBuffer raw = ByteBuffer.allocate(both.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(both);
        var tensors = http.postRaw(
                INFER,
                "application/octet-stream",
                concat(header.getBytes(StandardCharsets.UTF_8), raw.array()),
                "Inference-Header-Content-Length",
                Integer.toString(header.length()));
        assertThat(tensors.status()).as(tensors.body()).isEqualTo(200);
        float[] fromTensors = floats(tensors.json().get("outputs").get(0).get("data"));
        float[] fromImages = floats(infer(imagesRequest(List.of(PHOTO_A, PHOTO_B), ""))
                .json()
                .get("outputs")
                .get(0)
                .get("data"));
        assertThat(fromTensors.length).isEqualTo(2000);
        for (int i = 0; i < fromTensors.length; i++) {
            assertThat(fromTensors[i]).isCloseTo(fromImages[i], within(1e-5f));
        }
        var wrongShape =
                infer("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,3,224,224],\"data\":[0]}]}");
        assertThat(wrongShape.status()).isEqualTo(400);
    }

    @Test
    void nImagesInOneRequestAreNItemsForTheBatcher() {
        double count0 = metric("classifier_batch_size_count{");
        double sum0 = metric("classifier_batch_size_sum{");
        JsonNode out = infer(imagesRequest(List.of(PHOTO_A, PHOTO_B, PHOTO_C), ""))
                .json()
                .get("outputs")
                .get(0);
        double items = metric("classifier_batch_size_sum{") - sum0;
        double batches = metric("classifier_batch_size_count{") - count0;
        assertThat(items).isEqualTo(3.0);
        assertThat(batches).isLessThan(3.0);
        assertThat(out.get("shape").toString()).isEqualTo("[3,1000]");
        float[] p = floats(out.get("data"));
        byte[][] photos = {PHOTO_A, PHOTO_B, PHOTO_C};
        for (int i = 0; i < 3; i++) {
            float[] alone = floats(infer(imagesRequest(List.of(photos[i]), ""))
                    .json()
                    .get("outputs")
                    .get(0)
                    .get("data"));
            for (int c = 0; c < 1000; c++) {
                assertThat(p[i * 1000 + c]).isCloseTo(alone[c], within(1e-5f));
            }
        }
    }

    @Test
    void theClassificationExtensionReturnsTritonStringsWithLabels() {
        JsonNode json = infer(imagesRequest(
                        List.of(PHOTO_A, PHOTO_B),
                        "\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"classification\":3}}]"))
                .json();
        JsonNode out = json.get("outputs").get(0);
        assertThat(out.get("datatype").asString()).isEqualTo("BYTES");
        assertThat(out.get("shape").toString()).isEqualTo("[2,3]");
        float[] p = floats(infer(imagesRequest(List.of(PHOTO_A, PHOTO_B), ""))
                .json()
                .get("outputs")
                .get(0)
                .get("data"));
        for (int i = 0; i < 2; i++) {
            int[] top = topIndices(p, i * 1000, 3);
            for (int k = 0; k < 3; k++) {
                String[] parts = out.get("data").get(i * 3 + k).asString().split(":", 3);
                assertThat(parts[0]).matches("\\d+\\.\\d{6}");
                assertThat(Integer.parseInt(parts[1])).isEqualTo(top[k]);
                assertThat(Double.parseDouble(parts[0])).isCloseTo(p[i * 1000 + top[k]], within(6e-7));
                assertThat(parts[2]).isEqualTo("label " + top[k]);
            }
        }
        // More classes than the model has: capped, as Triton does.
        JsonNode all = infer(imagesRequest(
                        List.of(PHOTO_A),
                        "\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"classification\":5000}}]"))
                .json()
                .get("outputs")
                .get(0);
        assertThat(all.get("shape").toString()).isEqualTo("[1,1000]");
    }

    @Test
    void aClientWrittenFromTheSpecificationTalksToTheServer() throws Exception {
        Path a = dir.resolve("a.jpg");
        Path c = dir.resolve("c.png");
        Files.write(a, PHOTO_A);
        Files.write(c, PHOTO_C);
        Python.assumeModules();
        String client;
        try (var in = ProtocolsIntegrationTests.class.getResourceAsStream("/protocols/oip_client.py")) {
            client = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String output =
                Python.runScript(dir, client, "http://127.0.0.1:" + port, "inception_v4", a.toString(), c.toString());
        JsonNode r = JSON.readTree(output);
        assertThat(r.get("server").get("body").get("extensions").toString()).contains("binary_tensor_data");
        assertThat(r.get("live").asInt()).isEqualTo(200);
        assertThat(r.get("ready").asInt()).isEqualTo(200);
        assertThat(r.get("model_ready").asInt()).isEqualTo(200);
        JsonNode json = r.get("json");
        assertThat(json.get("status").asInt()).isEqualTo(200);
        assertThat(json.get("body").get("id").asString()).isEqualTo("client-json-1");
        float[] jsonData = floats(json.get("body").get("outputs").get(0).get("data"));
        assertThat(jsonData.length).isEqualTo(2000);
        JsonNode binary = r.get("binary");
        assertThat(binary.get("status").asInt()).isEqualTo(200);
        assertThat(binary.get("content_type").asString()).isEqualTo("application/octet-stream");
        assertThat(binary.get("body")
                        .get("outputs")
                        .get(0)
                        .get("parameters")
                        .get("binary_data_size")
                        .asInt())
                .isEqualTo(8000);
        float[] binaryData = floats(binary.get("data"));
        for (int i = 0; i < jsonData.length; i++) {
            assertThat(binaryData[i]).isCloseTo(jsonData[i], within(1e-5f));
        }
        JsonNode cls = r.get("classification").get("body").get("outputs").get(0);
        assertThat(cls.get("shape").toString()).isEqualTo("[2,3]");
        JsonNode binCls = r.get("binary_classification");
        assertThat(binCls.get("data").size()).isEqualTo(6);
        for (int i = 0; i < 6; i++) {
            String[] fromJson = cls.get("data").get(i).asString().split(":");
            String[] fromBinary = binCls.get("data").get(i).asString().split(":");
            assertThat(fromBinary[1]).isEqualTo(fromJson[1]);
            assertThat(fromBinary[2]).isEqualTo(fromJson[2]);
        }
        assertThat(r.get("unknown_model").get("status").asInt()).isEqualTo(404);
        assertThat(r.get("unknown_model").get("body").get("error").asString()).contains("no-such-model");
    }

    @Test
    void v2ErrorsAreTheProtocolsErrorObject() {
        String tooMany = imagesRequest(List.of(PHOTO_B, PHOTO_B, PHOTO_B, PHOTO_B, PHOTO_B), "");
        String text = Base64.getEncoder().encodeToString("plain text".getBytes(StandardCharsets.UTF_8));
        byte[] truncated = Arrays.copyOf(PHOTO_A, PHOTO_A.length / 2);
        Object[][] cases = {
            {infer("{\"inputs\": [oops"), 400, "not valid JSON"},
            {
                infer("{\"inputs\":[{\"name\":\"pixels\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}"),
                400,
                "Unknown input 'pixels'"
            },
            {
                infer(imagesRequest(List.of(PHOTO_A), "\"outputs\":[{\"name\":\"logits\"}]")),
                400,
                "Unknown output 'logits'"
            },
            {infer(tooMany), 400, "more than 4 elements"},
            {
                infer("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"" + text
                        + "\"]}]}"),
                415,
                "element 0: not a supported image"
            },
            {infer(imagesRequest(List.of(truncated), "")), 400, "element 0: the image data is corrupt"},
            {
                http.postRaw(
                        INFER, "application/json", "{}".getBytes(StandardCharsets.UTF_8), "Content-Encoding", "gzip"),
                415,
                "Content-Encoding 'gzip'"
            },
            {http.postExpectingRefusal(INFER, "application/json", new byte[4_000_001]), 413, "exceeds the limit"},
            {
                http.postRaw("/v2/models/resnet50/infer", "application/json", "{}".getBytes(StandardCharsets.UTF_8)),
                404,
                "Unknown model"
            },
        };
        for (Object[] c : cases) {
            HttpTestClient.Response r = (HttpTestClient.Response) c[0];
            assertThat(r.status()).as(r.body()).isEqualTo(c[1]);
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(doc.violations(r.json(), "V2Error")).as(r.body()).isEmpty();
            assertThat(r.json().get("error").asString()).contains((String) c[2]);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.");
        }
        assertThat(infer(imagesRequest(List.of(PHOTO_A), "")).status()).isEqualTo(200);
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** Our API's handlers; the container's error page ({@link ErrorPageController}) is not an API endpoint. */
    private static boolean isOurs(HandlerMethod method) {
        return method.getBeanType().getName().startsWith("dev.inceptionclassifier.")
                && method.getBeanType() != ErrorPageController.class;
    }

    private HttpTestClient.Response infer(String json) {
        return http.postRaw(INFER, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String imagesRequest(List<byte[]> images, String extra) {
        StringBuilder data = new StringBuilder();
        for (byte[] image : images) {
            data.append(data.length() == 0 ? "" : ",")
                    .append('"')
                    .append(Base64.getEncoder().encodeToString(image))
                    .append('"');
        }
        return "{\"id\":\"req-1\",\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[" + images.size()
                + "],\"data\":[" + data + "]}]" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private JsonNode classifyAlone(byte[] image) {
        return http.postRaw("/classify?topK=5", "application/octet-stream", image)
                .json();
    }

    private static void assertSamePredictions(JsonNode a, JsonNode b) {
        JsonNode pa = a.get("predictions");
        JsonNode pb = b.get("predictions");
        assertThat(pa.size()).isEqualTo(pb.size());
        for (int i = 0; i < pa.size(); i++) {
            assertThat(pa.get(i).get("index").asInt())
                    .isEqualTo(pb.get(i).get("index").asInt());
            assertThat(pa.get(i).get("probability").asDouble())
                    .isCloseTo(pb.get(i).get("probability").asDouble(), within(1e-5));
        }
    }

    private double metric(String prefix) {
        return ClassifyIntegrationTests.sum(http.get("/actuator/prometheus").body(), prefix);
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    private static double sum(float[] p, int from, int n) {
        double s = 0;
        for (int i = from; i < from + n; i++) {
            s += p[i];
        }
        return s;
    }

    private static int[] topIndices(float[] p, int from, int k) {
        return IntStream.range(0, 1000)
                .boxed()
                .sorted((x, y) ->
                        p[from + y] != p[from + x] ? Float.compare(p[from + y], p[from + x]) : Integer.compare(x, y))
                .limit(k)
                .mapToInt(i -> i)
                .toArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
