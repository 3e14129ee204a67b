package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import com.sun.net.httpserver.HttpServer;
import dev.inceptionclassifier.ClassifierApplication;
import dev.inceptionclassifier.model.Architecture;
import dev.inceptionclassifier.model.HostTensor;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default source end to end: a local server laid out like the Hugging Face hub serves a timm checkpoint
 * ({@code config.json} + {@code model.safetensors} with timm's key names); the service loads it through the
 * {@code classifier.hub.endpoint} override, answers from it, and a second start is served from the cache without
 * any HTTP request. A folder source with the same files gives the same probabilities.
 */
class HubCheckpointIntegrationTests {

    private static final String CONFIG = """
            {"architecture": "inception_v4", "num_classes": 1000, "num_features": 1536,
             "pretrained_cfg": {"tag": "tf_in1k", "custom_load": false, "input_size": [3, 299, 299],
              "fixed_input_size": false, "interpolation": "bicubic", "crop_pct": 0.875, "crop_mode": "center",
              "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "num_classes": 1000, "pool_size": [8, 8],
              "first_conv": "features.0.conv", "classifier": "last_linear"}}""";

    @TempDir
    Path dir;

    private HttpServer hub;
    private final AtomicInteger hubRequests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.stop(0);
        }
    }

    @Test
    void loadsFromTheHubThenFromTheCacheWithoutNetwork() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("config.json"), CONFIG);
        writeCheckpoint(repo.resolve("model.safetensors"));
        startHub(repo);
        Path cache = dir.resolve("cache");
        byte[] jpeg = jpeg();
        String endpoint = "--classifier.hub.endpoint=http://127.0.0.1:" + hub.getAddress().getPort();

        JsonNode first = classify(jpeg, endpoint, "--classifier.model-cache=" + cache);
        assertThat(first.get("weights").asString()).isEqualTo("hf-hub:timm/inception_v4.tf_in1k@main");
        assertThat(first.get("randomWeights").asBoolean()).isFalse();
        assertThat(hubRequests.get()).isEqualTo(2);
        assertThat(Files.list(cache.resolve("hub/timm/inception_v4.tf_in1k/main")).map(p -> p.getFileName()
                .toString()).toList()).containsExactlyInAnyOrder("config.json", "model.safetensors");

        hubRequests.set(0);
        JsonNode cached = classify(jpeg, endpoint, "--classifier.model-cache=" + cache, "--classifier.offline=true");
        assertThat(hubRequests.get()).isZero();
        assertThat(cached.get("predictions")).isEqualTo(first.get("predictions"));

        JsonNode folder = classify(jpeg, "--classifier.models[0].source=" + repo);
        assertThat(folder.get("predictions")).isEqualTo(first.get("predictions"));
        assertThat(folder.get("weights").asString()).endsWith("repo");
    }

    /** A timm-style checkpoint: every state-dict key (num_batches_tracked too), F32, in safetensors' order. */
    private static void writeCheckpoint(Path file) throws IOException {
        Map<String, HostTensor> state = InceptionNetwork.randomStateDict(Architecture.INCEPTION_V4, 1000, 2024);
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        state.forEach((k, v) -> tensors.add(SafetensorsWriter.f32(k, v.shape(), v.data())));
        state.keySet().stream().filter(k -> k.endsWith(".bn.running_var"))
                .forEach(k -> tensors.add(SafetensorsWriter.i64Scalar(
                        k.replace(".running_var", ".num_batches_tracked"), 0)));
        SafetensorsWriter.write(file, tensors);
    }

    private void startHub(Path repo) throws IOException {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/timm/inception_v4.tf_in1k/resolve/main/", exchange -> {
            hubRequests.incrementAndGet();
            String name = Path.of(exchange.getRequestURI().getPath()).getFileName().toString();
            Path file = repo.resolve(name);
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
        });
        hub.start();
    }

    private static JsonNode classify(byte[] jpeg, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--classifier.fallback-to-random=false",
                "--classifier.models[0].name=inception_v4", "--classifier.models[0].architecture=inception_v4",
                "--classifier.inference.max-batch-size=1"));
        args.addAll(List.of(extra));
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(ClassifierApplication.class)
                .run(args.toArray(String[]::new))) {
            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest
                    .newBuilder(URI.create("http://127.0.0.1:" + port + "/classify?topK=5"))
                    .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JsonMapper.builder().build().readTree(r.body());
        }
    }

    private static byte[] jpeg() throws IOException {
        BufferedImage img = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 400; x++) {
                img.setRGB(x, y, ((x * 255 / 400) << 16) | (((x + y) & 0xff) << 8) | ((y * 255 / 300)));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }
}
