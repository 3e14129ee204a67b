package dev.inceptionclassifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import dev.inceptionclassifier.support.TestImages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.ToStringConsumer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real Dockerfile, built on a local base image (images cannot be pulled here: .ci/deploy-prereqs.sh makes
 * {@code inception-classifier-base:local} with debootstrap), from the jar that {@code package} just built, then run
 * the way production runs it: non-root, read-only root filesystem, no capabilities, no network but loopback (host
 * networking, the service on a free 127.0.0.1 port). Runs through failsafe, after {@code package}.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerImageIT {

    private static final String BASE_IMAGE = System.getProperty("deploy.baseImage", "inception-classifier-base:local");
    private static final String IMAGE_TAG = "inception-classifier-it:local";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ImageFromDockerfile image;

    @BeforeAll
    static void buildImage() throws IOException {
        try (Stream<Path> jars = Files.list(DeployFiles.ROOT.resolve("target"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .as("the application jar (the package phase runs before this test)")
                    .anyMatch(n -> n.matches("inception-classifier-.*\\.jar") && !n.endsWith("-plain.jar"));
        }
        try {
            DockerClientFactory.instance().client().inspectImageCmd(BASE_IMAGE).exec();
        } catch (NotFoundException e) {
            String message = "base image " + BASE_IMAGE + " is missing: run .ci/deploy-prereqs.sh --docker";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message, e);
            }
            assumeTrue(false, message);
        }
        image = new ImageFromDockerfile(IMAGE_TAG, false)
                .withDockerfile(DeployFiles.ROOT.resolve("Dockerfile"))
                .withBuildArg("BUILD_IMAGE", BASE_IMAGE)
                .withBuildArg("RUNTIME_IMAGE", BASE_IMAGE)
                // the local base is Debian: it provides libjpeg-turbo's TurboJPEG packages too
                .withBuildArg("TURBOJPEG_IMAGE", BASE_IMAGE)
                // Maven cannot reach its repository from inside a build here: use the jar built outside
                .withBuildArg("PREBUILT_JAR", "true")
                .withBuildImageCmdModifier(cmd -> cmd.withNetworkMode("host"));
    }

    @Test
    void classifiesAnImageThroughTheContainer() throws Exception {
        int port = freePort();
        ToStringConsumer logs = new ToStringConsumer();
        // source=random is an explicit choice of random weights (no network here); the image's
        // classifier.fallback-to-random=false stays in force.
        try (GenericContainer<?> app = hardened(new GenericContainer<>(image), port)
                .withEnv("CLASSIFIER_MODELS_0_NAME", "inception_v4")
                .withEnv("CLASSIFIER_MODELS_0_ARCHITECTURE", "inception_v4")
                .withEnv("CLASSIFIER_MODELS_0_SOURCE", "random")
                .withEnv("CLASSIFIER_INFERENCE_MAXBATCHSIZE", "2")
                .withEnv("CLASSIFIER_ENGINE_NUMTHREADS", "2")
                .withLogConsumer(logs)
                // the image's HEALTHCHECK (readiness through bash /dev/tcp) decides when it is up
                .waitingFor(new HealthyOrExited(Duration.ofMinutes(5)))) {
            app.start();
            String base = "http://127.0.0.1:" + port;

            Http.Response r =
                    Http.postImage(base + "/classify", TestImages.jpeg(500, 375, 2), "photo.jpg", "image/jpeg");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode json = JSON.readTree(r.body());
            assertThat(json.path("model").asString()).isEqualTo("inception_v4");
            assertThat(json.path("predictions")).hasSize(5);
            assertThat(json.path("predictions").get(0).path("probability").asDouble())
                    .isBetween(0.0, 1.0);

            assertThat(Http.get(base + "/models").status()).isEqualTo(200);
            assertThat(Http.get(base + "/actuator/health/readiness").body()).contains("\"UP\"");
            assertThat(Http.get(base + "/actuator/prometheus").body())
                    .contains("classifier_requests_total{application=\"inception-classifier\"");

            assertThat(app.execInContainer("id", "-u").getStdout().strip()).isEqualTo("10001");
            // the natives were extracted at build time: nothing was written (the root filesystem is read-only)
            assertThat(logs.toUtf8String()).doesNotContain("Extracting").doesNotContain("Downloading");
            // production decodes JPEGs with libjpeg-turbo (Pillow's decoder), not ImageIO
            assertThat(logs.toUtf8String()).contains("JPEG decoder: turbojpeg");
            assertThat(app.execInContainer("bash", "-c", "touch /opt/djl/x").getExitCode())
                    .isNotZero();
        }
    }

    @Test
    void refusesToStartWithoutRealWeights() {
        int port = freePort();
        int closed = freePort();
        ToStringConsumer logs = new ToStringConsumer();
        // the default model source (the hub), unreachable: production must fail, not serve random weights
        try (GenericContainer<?> app = hardened(new GenericContainer<>(image), port)
                .withEnv("CLASSIFIER_MODELS_0_NAME", "inception_v4")
                .withEnv("CLASSIFIER_MODELS_0_ARCHITECTURE", "inception_v4")
                .withEnv("HF_ENDPOINT", "http://127.0.0.1:" + closed)
                .withLogConsumer(logs)
                .waitingFor(new HealthyOrExited(Duration.ofMinutes(3)))) {
            assertThatThrownBy(app::start).hasStackTraceContaining("exited with code 1");
        }
        // the model failure report (ModelLoadFailureAnalyzer), not any other start-up failure
        assertThat(logs.toUtf8String())
                .contains("APPLICATION FAILED TO START")
                .contains("classifier.models[].source")
                .contains("127.0.0.1:" + closed)
                .doesNotContain("Started ClassifierApplication");
    }

    /**
     * Waits for the image's HEALTHCHECK to report healthy, and fails at once when the container exits (Testcontainers'
     * own health check wait would sit out its whole timeout).
     */
    private static final class HealthyOrExited extends AbstractWaitStrategy {

        HealthyOrExited(Duration timeout) {
            withStartupTimeout(timeout);
        }

        @Override
        protected void waitUntilReady() {
            long deadline = System.nanoTime() + startupTimeout.toNanos();
            while (System.nanoTime() < deadline) {
                InspectContainerResponse.ContainerState state = DockerClientFactory.instance()
                        .client()
                        .inspectContainerCmd(waitStrategyTarget.getContainerId())
                        .exec()
                        .getState();
                if (!Boolean.TRUE.equals(state.getRunning())) {
                    throw new ContainerLaunchException("container exited with code " + state.getExitCodeLong());
                }
                if (state.getHealth() != null
                        && "healthy".equals(state.getHealth().getStatus())) {
                    return;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ContainerLaunchException("interrupted", e);
                }
            }
            throw new ContainerLaunchException("container not healthy within " + startupTimeout);
        }
    }

    /** How production runs it: host network (loopback only here), read-only root, tmpfs /tmp, no capabilities. */
    private static GenericContainer<?> hardened(GenericContainer<?> container, int port) {
        return container
                .withNetworkMode("host")
                .withEnv("SERVER_PORT", Integer.toString(port))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withReadonlyRootfs(true)
                        .withTmpFs(Map.of("/tmp", "rw,size=512m"))
                        .withCapDrop(Capability.ALL)
                        .withSecurityOpts(List.of("no-new-privileges")));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
