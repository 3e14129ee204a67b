package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inceptionclassifier.ClassifierApplication;
import dev.inceptionclassifier.image.ImageLimits;
import dev.inceptionclassifier.image.ImagePipeline;
import dev.inceptionclassifier.image.PreprocessSpec;
import dev.inceptionclassifier.inference.TopK;
import dev.inceptionclassifier.support.Python;
import dev.inceptionclassifier.support.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A TorchScript file made by real PyTorch, served through {@code POST /classify}: the service's probabilities equal
 * those PyTorch computes on the same preprocessed input. Skips where python3-torch is absent.
 */
class TorchScriptServiceIntegrationTests {

    /** A small CNN with 7 classes, traced at 299x299; then its logits on the tensor the Java side wrote. */
    private static final String EXPORT = """
            import sys
            import numpy as np
            import torch

            out = sys.argv[1]
            torch.manual_seed(99)

            class Small(torch.nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv1 = torch.nn.Conv2d(3, 16, 5, stride=4, padding=2)
                    self.conv2 = torch.nn.Conv2d(16, 32, 3, stride=2, padding=1)
                    self.fc = torch.nn.Linear(32, 7)

                def forward(self, x):
                    x = torch.relu(self.conv2(torch.relu(self.conv1(x))))
                    return self.fc(torch.nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)) * 4.0

            model = Small().eval()
            traced = torch.jit.trace(model, torch.zeros(1, 3, 299, 299))
            traced.save(out + "/small.pt")
            x = torch.from_numpy(np.fromfile(out + "/input.f32", dtype="<f4").reshape(1, 3, 299, 299))
            with torch.no_grad():
                traced(x).numpy().astype("<f4").tofile(out + "/expected.f32")
            """;

    @TempDir
    Path dir;

    @Test
    void aTorchScriptModelClassifiesThroughTheEndpointLikePyTorch() throws Exception {
        Python.assumeModules("torch");
        byte[] jpeg = TestImages.jpeg(480, 360, 0);
        // The exact tensor the service will compute: same pipeline, same preprocessing settings.
        ImagePipeline images = new ImagePipeline(ImageLimits.defaults());
        float[] input = images.preprocess(images.decode(jpeg), PreprocessSpec.inception(0.875));
        ByteBuffer buf = ByteBuffer.allocate(input.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(input);
        Files.write(dir.resolve("input.f32"), buf.array());
        Python.runScript(dir, EXPORT, dir.toString());
        float[] expected = new float[7];
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve("expected.f32")))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(expected);
        double[] expectedProbabilities = TopK.softmax(expected);
        Path labels = dir.resolve("labels.txt");
        Files.write(labels, IntStream.range(0, 7).mapToObj(i -> "colour " + i).toList());

        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(ClassifierApplication.class)
                .run(
                        "--server.port=0",
                        "--classifier.fallback-to-random=false",
                        "--classifier.models[0].name=small",
                        "--classifier.models[0].source=" + dir.resolve("small.pt"),
                        "--classifier.models[0].num-classes=7",
                        // TorchScript is code: it loads only pinned
                        "--classifier.models[0].sha256.weights="
                                + HexFormat.of()
                                        .formatHex(MessageDigest.getInstance("SHA-256")
                                                .digest(Files.readAllBytes(dir.resolve("small.pt")))),
                        "--classifier.models[0].labels=" + labels,
                        "--classifier.inference.max-batch-size=2")) {
            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/classify?topK=7"))
                                    .header("Content-Type", "image/jpeg")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode json = JsonMapper.builder().build().readTree(r.body());
            assertThat(json.get("randomWeights").asBoolean()).isFalse();
            assertThat(json.get("weights").asString()).endsWith("small.pt");
            JsonNode predictions = json.get("predictions");
            assertThat(predictions.size()).isEqualTo(7);
            for (JsonNode p : predictions) {
                int index = p.get("index").asInt();
                assertThat(p.get("label").asString()).isEqualTo("colour " + index);
                assertThat(p.get("probability").asDouble()).isCloseTo(expectedProbabilities[index], within(1e-5));
            }
            HttpResponse<String> models = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/models"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(models.body())
                    .contains("\"architecture\":\"torchscript\"")
                    .contains("\"numClasses\":7");
        }
    }
}
