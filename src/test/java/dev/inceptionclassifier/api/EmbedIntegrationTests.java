package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.inceptionclassifier.image.ImageLimits;
import dev.inceptionclassifier.image.ImagePipeline;
import dev.inceptionclassifier.inference.ServedModels;
import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelInfo;
import dev.inceptionclassifier.model.ModelRegistry;
import dev.inceptionclassifier.model.core.Task;
import dev.inceptionclassifier.support.TestImages;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /embed} and the task checks, through the whole service, independent of any one architecture: the
 * tasks of seeded random Inception-v4 networks are forced here, in the test's registry only (the real
 * Inception-ResNet-v1 is served end to end in {@code FamilyServingIntegrationTests}): {@code faces} (512 outputs) embeds only, {@code both} (1000 outputs) classifies over its first 488
 * and embeds its last 512, {@code classifier} classifies only. Every embedding is checked against the network's own
 * output for the same preprocessed image, normalised here.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.allow-bean-definition-overriding=true",
            "classifier.fallback-to-random=false",
            "classifier.inference.max-batch-size=2",
            "classifier.inference.max-batch-delay=20ms",
            "classifier.inference.request-timeout=120s",
            "classifier.models[0].name=classifier",
            "classifier.models[0].architecture=inception_v4",
            "classifier.models[0].source=random",
            "classifier.models[1].name=faces",
            "classifier.models[1].architecture=inception_v4",
            "classifier.models[1].source=random",
            "classifier.models[1].num-classes=512",
            "classifier.models[1].seed=3",
            "classifier.models[1].preprocess.input-size=160",
            "classifier.models[1].preprocess.preset=facenet",
            "classifier.models[2].name=both",
            "classifier.models[2].architecture=inception_v4",
            "classifier.models[2].source=random",
            "classifier.models[2].seed=5"
        })
class EmbedIntegrationTests {

    static final int BOTH_CLASSES = 488;

    /** The registry with the forced tasks; the networks are the loader's, unchanged. */
    @TestConfiguration
    static class ForcedTasks {
        @Bean
        static BeanPostProcessor forcedTasks() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof ModelRegistry loaded ? retasked(loaded) : bean;
                }
            };
        }

        private static ModelRegistry retasked(ModelRegistry loaded) {
            List<LoadedModel> models = new ArrayList<>();
            for (LoadedModel m : loaded.all()) {
                models.add(
                        switch (m.name()) {
                            case "faces" -> retask(m, 0, List.of(Task.EMBED));
                            case "both" -> retask(m, BOTH_CLASSES, List.of(Task.CLASSIFY, Task.EMBED));
                            default -> m;
                        });
            }
            return new ModelRegistry(models);
        }

        private static LoadedModel retask(LoadedModel m, int classes, List<Task> tasks) {
            ModelInfo i = m.info();
            ModelInfo info = new ModelInfo(
                    i.name(),
                    i.architecture(),
                    i.weights(),
                    i.randomWeights(),
                    classes,
                    i.labels(),
                    i.preprocess(),
                    i.bnFolded(),
                    i.precision(),
                    i.execution(),
                    tasks);
            java.util.Map<Device, ai.djl.Model> byDevice = new java.util.LinkedHashMap<>();
            m.devices().forEach(d -> byDevice.put(d, m.model(d)));
            return new LoadedModel(info, m.labels().subList(0, classes), byDevice);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Autowired
    PreprocessSpecs preprocessing;

    @Autowired
    ServedModels served;

    @Autowired
    MeterRegistry meters;

    HttpTestClient http;
    static OpenApiDocument doc;

    static final byte[] FACE = TestImages.jpeg(200, 240, 3);

    @BeforeEach
    void client() {
        http = new HttpTestClient(port);
        if (doc == null) {
            var r = http.get("/v3/api-docs");
            assertThat(r.status()).isEqualTo(200);
            doc = new OpenApiDocument(r.body());
        }
    }

    @Test
    void embedReturnsTheNetworksOutputL2Normalised() throws Exception {
        var r = http.postMultipart("/embed?model=faces", "image", "face.jpg", "image/jpeg", FACE);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(doc.violations(json, "EmbedResponse")).isEmpty();
        assertThat(json.get("model").asString()).isEqualTo("faces");
        assertThat(json.get("randomWeights").asBoolean()).isTrue();
        assertThat(json.get("warning").asString()).contains("random weights");
        assertThat(json.get("precision").asString()).isEqualTo("fp32");
        assertThat(json.get("execution").asString()).isEqualTo("compiled");
        assertThat(json.get("timings").get("totalMs").asDouble()).isPositive();
        float[] embedding = floats(json.get("embedding"));
        assertThat(embedding).hasSize(512);
        assertThat(norm(embedding)).isCloseTo(1.0, within(1e-5));

        float[] expected = normalised(direct("faces"), 0, 512);
        for (int i = 0; i < 512; i++) {
            assertThat(embedding[i]).as("embedding[%d]", i).isCloseTo(expected[i], within(2e-6f));
        }
        // the raw body gives the same answer
        var raw = http.postRaw("/embed?model=faces", "image/jpeg", FACE);
        assertThat(raw.status()).as(raw.body()).isEqualTo(200);
        assertThat(floats(raw.json().get("embedding"))).containsExactly(embedding);
    }

    @Test
    void aModelServingBothTasksClassifiesOverItsLogitsAndEmbedsTheRest() throws Exception {
        float[] out = direct("both");
        var e = http.postMultipart("/embed?model=both", "image", "face.jpg", "image/jpeg", FACE);
        assertThat(e.status()).as(e.body()).isEqualTo(200);
        float[] embedding = floats(e.json().get("embedding"));
        assertThat(embedding).hasSize(1000 - BOTH_CLASSES);
        float[] expected = normalised(out, BOTH_CLASSES, 1000);
        for (int i = 0; i < expected.length; i++) {
            assertThat(embedding[i]).isCloseTo(expected[i], within(2e-6f));
        }
        var c = http.postMultipart("/classify?model=both&topK=3", "image", "face.jpg", "image/jpeg", FACE);
        assertThat(c.status()).as(c.body()).isEqualTo(200);
        assertThat(doc.violations(c.json(), "ClassifyResponse")).isEmpty();
        int best = 0;
        for (int i = 1; i < BOTH_CLASSES; i++) {
            best = out[i] > out[best] ? i : best;
        }
        assertThat(c.json().get("predictions").get(0).get("index").asInt()).isEqualTo(best);
        for (JsonNode p : c.json().get("predictions")) {
            assertThat(p.get("index").asInt()).isLessThan(BOTH_CLASSES);
        }
    }

    @Test
    void eachEndpointRefusesAModelWithoutItsTaskAsAProblem() {
        double before = badInput("faces") + badInput("classifier");
        var classify = http.postMultipart("/classify?model=faces", "image", "face.jpg", "image/jpeg", FACE);
        assertThat(classify.status()).isEqualTo(400);
        assertThat(classify.contentType()).startsWith("application/problem+json");
        assertThat(classify.json().get("type").asString())
                .isEqualTo("https://inception-classifier.dev/problems/unsupported-task");
        assertThat(classify.json().get("detail").asString()).contains("'faces'").contains("embed");
        assertThat(doc.responseViolations(classify.json(), "/classify", "post", "400", "application/problem+json"))
                .isEmpty();
        assertThat(http.postRaw("/classify?model=faces", "image/jpeg", FACE).status())
                .isEqualTo(400);

        var embed = http.postMultipart("/embed?model=classifier", "image", "x.jpg", "image/jpeg", FACE);
        assertThat(embed.status()).isEqualTo(400);
        assertThat(embed.json().get("type").asString())
                .isEqualTo("https://inception-classifier.dev/problems/unsupported-task");
        assertThat(embed.json().get("detail").asString())
                .contains("'classifier'")
                .contains("classify");
        assertThat(doc.responseViolations(embed.json(), "/embed", "post", "400", "application/problem+json"))
                .isEmpty();
        // the default model classifies only
        assertThat(http.postRaw("/embed", "image/jpeg", FACE).json().get("type").asString())
                .endsWith("/unsupported-task");
        assertThat(badInput("faces") + badInput("classifier")).isEqualTo(before + 4);

        var v2 = http.postRaw(
                "/v2/models/faces/infer",
                "application/json",
                "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"AA==\"]}]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(v2.status()).isEqualTo(400);
        assertThat(v2.json().get("error").asString()).contains("does not classify");
    }

    @Test
    void embedFollowsTheUploadRules() {
        var none = http.postRaw("/embed?model=faces", "image/jpeg", new byte[0]);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().get("type").asString()).endsWith("/missing-image");
        var unknown = http.postRaw("/embed?model=nope", "image/jpeg", FACE);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("type").asString()).endsWith("/unknown-model");
        var notImage = http.postRaw("/embed?model=faces", "image/jpeg", "hello".getBytes());
        assertThat(notImage.status()).isEqualTo(415);
        var badTimeout = http.postRaw("/embed?model=faces&timeout=soon", "image/jpeg", FACE);
        assertThat(badTimeout.status()).isEqualTo(400);
        assertThat(badTimeout.json().get("type").asString()).endsWith("/invalid-parameter");
    }

    @Test
    void modelsSayWhichTaskEachServesAndItsPreprocessing() {
        var r = http.get("/models");
        assertThat(r.status()).isEqualTo(200);
        assertThat(doc.violations(r.json(), "ModelsResponse")).isEmpty();
        JsonNode models = r.json().get("models");
        assertThat(models.get(0).get("task").toString()).isEqualTo("[\"classify\"]");
        assertThat(models.get(1).get("task").toString()).isEqualTo("[\"embed\"]");
        assertThat(models.get(1).get("numClasses").asInt()).isZero();
        assertThat(models.get(2).get("task").toString()).isEqualTo("[\"classify\",\"embed\"]");
        JsonNode timm = models.get(0).get("preprocessing");
        assertThat(timm.get("preset").asString()).isEqualTo("timm");
        assertThat(timm.get("interpolation").asString()).isEqualTo("bicubic");
        assertThat(timm.get("resizeTo").asInt()).isEqualTo(341);
        JsonNode face = models.get(1).get("preprocessing");
        assertThat(models.get(1).get("inputSize").asInt()).isEqualTo(160);
        assertThat(face.get("preset").asString()).isEqualTo("facenet");
        assertThat(face.get("resizeMode").asString()).isEqualTo("squash");
        assertThat(face.get("interpolation").asString()).isEqualTo("bilinear");
        assertThat(face.get("channelOrder").asString()).isEqualTo("RGB");
        assertThat(face.get("valueRange").asInt()).isEqualTo(255);
        assertThat(face.get("mean").get(0).asDouble()).isEqualTo(127.5);
        assertThat(face.get("std").get(0).asDouble()).isEqualTo(128.0);
    }

    private double badInput(String model) {
        var c = meters.find("classifier.requests")
                .tag("model", model)
                .tag("outcome", "bad_input")
                .counter();
        return c == null ? 0 : c.count();
    }

    /** The network's output for FACE, preprocessed as the service does, run here without the service. */
    private float[] direct(String name) throws Exception {
        LoadedModel m = registry.find(name).orElseThrow();
        var spec = preprocessing.of(served.find(name).orElseThrow());
        ImagePipeline pipeline = new ImagePipeline(
                new ImageLimits(2_000_000, 40_000_000, 20_000, 1 << 22, 100, java.time.Duration.ofSeconds(10)));
        float[] input = pipeline.preprocess(pipeline.decode(FACE), spec);
        int s = spec.inputSize();
        try (Predictor<float[], float[]> p = m.model(Device.cpu()).newPredictor(new NoBatchifyTranslator<>() {
            @Override
            public NDList processInput(TranslatorContext ctx, float[] in) {
                return new NDList(ctx.getNDManager().create(in, new Shape(1, 3, s, s)));
            }

            @Override
            public float[] processOutput(TranslatorContext ctx, NDList list) {
                return list.get(0).toFloatArray();
            }
        })) {
            return p.predict(input);
        }
    }

    private static float[] normalised(float[] v, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) v[i] * v[i];
        }
        float[] out = new float[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = (float) (v[i] / Math.sqrt(sum));
        }
        return out;
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    private static float[] floats(JsonNode array) {
        float[] f = new float[array.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) array.get(i).asDouble();
        }
        return f;
    }
}
