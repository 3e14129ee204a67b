package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inceptionclassifier.ClassifierApplication;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.support.FakeServer;
import dev.inceptionclassifier.support.TestImages;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default source end to end: a local server laid out like the Hugging Face hub serves a timm checkpoint
 * ({@code config.json} + {@code model.safetensors} with timm's key names) at a commit that {@code main} resolves to;
 * the service loads it through the {@code classifier.hub.endpoint} override, answers from it, and an offline start is
 * served from the cache without any HTTP request. A folder source with the same files gives the same probabilities.
 * Without the {@code dev} profile a model that cannot be fetched fails the start, and a pin mismatch always does.
 */
class HubCheckpointIntegrationTests {

    private static final String COMMIT = "e3f1c2d4b5a697887766554433221100ffeeddcc";

    private static final String CONFIG = """
            {"architecture": "inception_v4", "num_classes": 1000, "num_features": 1536,
             "pretrained_cfg": {"tag": "tf_in1k", "custom_load": false, "input_size": [3, 299, 299],
              "fixed_input_size": false, "interpolation": "bicubic", "crop_pct": 0.875, "crop_mode": "center",
              "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "num_classes": 1000, "pool_size": [8, 8],
              "first_conv": "features.0.conv", "classifier": "last_linear"}}""";

    @TempDir
    Path dir;

    @RegisterExtension
    final FakeServer hub = new FakeServer();

    @Test
    void loadsFromTheHubThenFromTheCacheWithoutNetwork() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("config.json"), CONFIG);
        writeCheckpoint(repo.resolve("model.safetensors"));
        startHub(repo);
        Path cache = dir.resolve("cache");
        byte[] jpeg = TestImages.jpeg(400, 300, 0);
        String endpoint = "--classifier.hub.endpoint=" + hub.base();

        String weightsPin = "--classifier.models[0].sha256.weights=" + sha256(repo.resolve("model.safetensors"));
        JsonNode first = classify(jpeg, endpoint, "--classifier.model-cache=" + cache, weightsPin);
        assertThat(first.get("weights").asString()).isEqualTo("hf-hub:timm/inception_v4.tf_in1k@" + COMMIT);
        assertThat(first.get("randomWeights").asBoolean()).isFalse();
        // HEAD resolve/main/config.json for the commit, then both files of that commit
        assertThat(hub.requestCount()).isEqualTo(3);
        Path repoCache = cache.resolve("hub/models--timm--inception_v4.tf_in1k");
        assertThat(Files.readString(repoCache.resolve("refs/main"))).isEqualTo(COMMIT);
        assertThat(Files.list(repoCache.resolve("snapshots/" + COMMIT))
                        .map(p -> p.getFileName().toString())
                        .toList())
                .containsExactlyInAnyOrder(
                        "config.json", "model.safetensors", "config.json.sha256", "model.safetensors.sha256");

        JsonNode cached =
                classify(jpeg, endpoint, "--classifier.model-cache=" + cache, "--classifier.offline=true", weightsPin);
        assertThat(hub.requestCount()).as("the offline start sends no request").isEqualTo(3);
        assertThat(cached.get("predictions")).isEqualTo(first.get("predictions"));

        JsonNode folder = classify(jpeg, "--classifier.models[0].source=" + repo);
        assertThat(folder.get("predictions")).isEqualTo(first.get("predictions"));
        assertThat(folder.get("weights").asString()).endsWith("repo");
    }

    @Test
    void aPinMismatchFailsTheStartEvenWithTheRandomFallbackOn() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("config.json"), CONFIG);
        Files.write(repo.resolve("model.safetensors"), new byte[4096]);
        startHub(repo);
        Path cache = dir.resolve("cache");

        assertThatThrownBy(() -> start(
                                "--classifier.hub.endpoint=" + hub.base(),
                                "--classifier.model-cache=" + cache,
                                "--classifier.fallback-to-random=true",
                                "--classifier.models[0].sha256.weights=" + "ab".repeat(32))
                        .close())
                .hasStackTraceContaining("Model 'inception_v4' (source default) could not be loaded: sha256 mismatch: "
                        + "model.safetensors of " + hub.base() + "/timm/inception_v4.tf_in1k/resolve/" + COMMIT
                        + "/model.safetensors hashes to "
                        + sha256(repo.resolve("model.safetensors")) + ", but classifier.models[].sha256.weights pins "
                        + "ab".repeat(32));
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("model.safetensors");
        }
    }

    @Test
    void withoutTheDevProfileAModelThatCannotBeFetchedFailsTheStart() throws Exception {
        String unreachable;
        try (ServerSocket socket = new ServerSocket(0)) {
            unreachable = "--classifier.hub.endpoint=http://127.0.0.1:" + socket.getLocalPort();
        }
        String emptyCache = "--classifier.model-cache=" + dir.resolve("empty-cache");

        assertThatThrownBy(() -> start(unreachable, emptyCache).close())
                .hasStackTraceContaining(
                        "Model 'inception_v4' (source default) could not be loaded: cannot connect to");

        // the profile that ./mvnw spring-boot:run activates serves random weights instead, and says so
        try (ConfigurableApplicationContext ctx = start(unreachable, emptyCache, "--spring.profiles.active=dev")) {
            JsonNode models = get(ctx, "/models");
            assertThat(models.toString()).contains("\"randomWeights\":true", "random(seed=42)");
        }
    }

    private static ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--classifier.models[0].name=inception_v4",
                "--classifier.models[0].architecture=inception_v4",
                "--classifier.inference.max-batch-size=1"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(ClassifierApplication.class).run(args.toArray(String[]::new));
    }

    private static JsonNode get(ConfigurableApplicationContext ctx, String path) throws Exception {
        int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(r.body());
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** A timm-style checkpoint: every state-dict key (num_batches_tracked too), F32, in safetensors' order. */
    private static void writeCheckpoint(Path file) throws IOException {
        Map<String, HostTensor> state = InceptionNetwork.randomStateDict(Architecture.INCEPTION_V4, 1000, 2024);
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        state.forEach((k, v) -> tensors.add(SafetensorsWriter.f32(k, v.shape(), v.data())));
        state.keySet().stream()
                .filter(k -> k.endsWith(".bn.running_var"))
                .forEach(k ->
                        tensors.add(SafetensorsWriter.i64Scalar(k.replace(".running_var", ".num_batches_tracked"), 0)));
        SafetensorsWriter.write(file, tensors);
    }

    /** Serves {@code repo}'s files at {@link #COMMIT}, and names that commit for {@code main}, as the hub does. */
    private void startHub(Path repo) {
        for (String revision : List.of("main", COMMIT)) {
            hub.folder("/timm/inception_v4.tf_in1k/resolve/" + revision + "/", repo, Map.of("X-Repo-Commit", COMMIT));
        }
    }

    private static JsonNode classify(byte[] jpeg, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--classifier.fallback-to-random=false",
                "--classifier.models[0].name=inception_v4",
                "--classifier.models[0].architecture=inception_v4",
                "--classifier.inference.max-batch-size=1"));
        args.addAll(List.of(extra));
        try (ConfigurableApplicationContext ctx =
                new SpringApplicationBuilder(ClassifierApplication.class).run(args.toArray(String[]::new))) {
            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/classify?topK=5"))
                                    .header("Content-Type", "image/jpeg")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JsonMapper.builder().build().readTree(r.body());
        }
    }
}
