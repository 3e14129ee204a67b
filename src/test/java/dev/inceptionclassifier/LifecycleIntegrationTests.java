package dev.inceptionclassifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.inceptionclassifier.inference.InferenceFaultHook;
import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelLoadException;
import dev.inceptionclassifier.model.ModelRegistry;
import dev.inceptionclassifier.support.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Start-up failures and graceful shutdown of the whole application. */
class LifecycleIntegrationTests {

    @TempDir
    Path dir;

    private static ConfigurableApplicationContext start(InferenceFaultHook hook, String... props) {
        List<String> all = new ArrayList<>(List.of(
                "--server.port=0",
                "--classifier.fallback-to-random=false",
                "--classifier.models[0].name=v4",
                "--classifier.models[0].architecture=inception_v4",
                "--classifier.inference.max-batch-size=1",
                "--classifier.inference.request-timeout=60s"));
        // A property given again replaces the default above (repeated arguments would be joined into a list).
        for (String p : props) {
            all.removeIf(d -> d.substring(0, d.indexOf('=') + 1).equals(p.substring(0, p.indexOf('=') + 1)));
        }
        all.addAll(List.of(props));
        SpringApplicationBuilder b = new SpringApplicationBuilder(ClassifierApplication.class);
        if (hook != null) {
            b.initializers(ctx -> ctx.getBeanFactory().registerSingleton("faultHook", hook));
        }
        return b.run(all.toArray(String[]::new));
    }

    @Test
    void aMissingModelFolderFailsTheStartNamingTheModel() {
        Path missing = dir.resolve("nowhere");
        assertThatThrownBy(() ->
                        start(null, "--classifier.models[0].source=" + missing).close())
                .hasRootCauseInstanceOf(Exception.class)
                .satisfies(e -> assertThat(modelLoadException(e))
                        .hasMessageContaining("Model 'v4'")
                        .hasMessageContaining("nowhere"));
    }

    @Test
    void aCorruptCheckpointFailsTheStartWithTheReason() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("corrupt"));
        Files.writeString(folder.resolve("config.json"), """
                {"architecture": "inception_v4", "num_classes": 1000, "pretrained_cfg": {"input_size": [3, 299, 299],
                 "crop_pct": 0.875, "interpolation": "bicubic", "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}}""");
        Files.write(folder.resolve("model.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '"', 'x'});
        assertThatThrownBy(() ->
                        start(null, "--classifier.models[0].source=" + folder).close())
                .satisfies(e -> assertThat(modelLoadException(e))
                        .hasMessageContaining("Model 'v4'")
                        .hasMessageContaining("model.safetensors"));
    }

    @Test
    void aCheckpointOfAnotherArchitectureIsRefused() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("irv2"));
        Files.writeString(folder.resolve("config.json"), """
                {"architecture": "inception_resnet_v2", "num_classes": 1000, "pretrained_cfg": {"input_size": [3, 299, 299],
                 "crop_pct": 0.8975, "interpolation": "bicubic", "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}}""");
        Files.write(folder.resolve("model.safetensors"), new byte[16]);
        assertThatThrownBy(() ->
                        start(null, "--classifier.models[0].source=" + folder).close())
                .satisfies(e -> assertThat(modelLoadException(e))
                        .hasMessageContaining("inception_resnet_v2")
                        .hasMessageContaining("inception_v4"));
    }

    @Test
    void aPrecisionTheDevicesCannotRunIsRefusedAtStartWithAClearMessage() {
        assertThatThrownBy(() -> start(
                                null,
                                "--classifier.models[0].source=random",
                                "--classifier.inference.device=cpu",
                                "--classifier.inference.precision=fp16")
                        .close())
                .satisfies(e -> assertThat(rootMessage(e)).contains("fp16 runs on GPUs only"));
        assertThatThrownBy(() -> start(
                                null,
                                "--classifier.models[0].source=random",
                                "--classifier.models[0].execution=eager",
                                "--classifier.models[0].precision=bf16")
                        .close())
                .satisfies(e -> assertThat(rootMessage(e)).contains("eager execution is the float32 reference"));
    }

    @Test
    void shutdownAnswersEveryAcceptedRequest() throws Exception {
        // Every batch takes 1.5 s, so requests are still queued when the shutdown begins.
        ConfigurableApplicationContext ctx = start(
                (model, inputs) -> Thread.sleep(1500),
                "--classifier.models[0].source=random",
                "--classifier.inference.drain-timeout=30s");
        int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        NDManager manager = nativeMemoryOf(ctx);
        HttpClient client = HttpClient.newHttpClient();
        byte[] png = TestImages.png(64, 48, 0);
        List<CompletableFuture<HttpResponse<String>>> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            accepted.add(client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/classify"))
                            .header("Content-Type", "image/png")
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(800);
        long t0 = System.nanoTime();
        ctx.close();
        long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        for (var f : accepted) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        assertThat(closeMs).isGreaterThan(1000);
        assertThat(manager.isOpen())
                .as("the model is freed once its workers stopped")
                .isFalse();
    }

    /**
     * A batch that never ends (a native call cannot be interrupted): shutdown still ends, after the drain and the
     * worker-stop timeouts, the client gets its deadline's answer, and the model under the running batch is NOT
     * freed (that could crash the JVM); it is left to the exiting process.
     */
    @Test
    void aWorkerStuckAtShutdownLeavesItsModelAllocatedAndTheShutdownEnds() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean();
        ConfigurableApplicationContext ctx = start(
                (model, inputs) -> {
                    if (hang.get()) {
                        entered.countDown();
                        release.await();
                    }
                },
                "--classifier.models[0].source=random",
                "--classifier.models[0].preprocess.input-size=75",
                "--classifier.inference.request-timeout=1s",
                "--classifier.inference.drain-timeout=500ms",
                "--classifier.inference.worker-stop-timeout=500ms",
                "--spring.lifecycle.timeout-per-shutdown-phase=5s");
        try {
            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            NDManager manager = nativeMemoryOf(ctx);
            hang.set(true);
            var stuck = HttpClient.newHttpClient()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/classify"))
                                    .header("Content-Type", "image/png")
                                    .timeout(Duration.ofSeconds(30))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(TestImages.png(64, 48, 0)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            ctx.close();
            long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(stuck.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
            assertThat(closeMs).isLessThan(15_000);
            assertThat(manager.isOpen())
                    .as("native memory under a running batch")
                    .isTrue();
        } finally {
            release.countDown();
            ctx.close();
        }
    }

    private static NDManager nativeMemoryOf(ConfigurableApplicationContext ctx) {
        LoadedModel model = ctx.getBean(ModelRegistry.class).find(null).orElseThrow();
        return model.model(model.devices().iterator().next()).getNDManager();
    }

    private static ModelLoadException modelLoadException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ModelLoadException m) {
                return m;
            }
        }
        throw new AssertionError("no ModelLoadException in " + e, e);
    }

    private static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
