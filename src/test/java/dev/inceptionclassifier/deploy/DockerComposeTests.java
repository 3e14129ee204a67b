package dev.inceptionclassifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * docker-compose.yml, validated by Debian's {@code docker-compose config -q} and then read back resolved (profiles,
 * anchors and defaults applied) for what the deployment needs.
 */
class DockerComposeTests {

    @Test
    void composeFileIsValid() {
        Tools.Result result = compose(DeployFiles.ROOT, "config", "-q");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void composeRejectsABrokenFile(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("docker-compose.yml"),
                DeployFiles.read(DeployFiles.COMPOSE_FILE).replace("mem_limit: 4g", "mem_limits: 4g"));
        Tools.Result result = compose(dir, "config", "-q");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("mem_limits");
    }

    @Test
    void servicesVolumesAndProvisioningAreWired() {
        Tools.Result result = compose(DeployFiles.ROOT, "--profile", "gpu", "config");
        assertThat(result.exitCode()).as(result.output()).isZero();
        JsonNode config = YAMLMapper.builder().build().readTree(result.output());
        JsonNode services = config.path("services");
        assertThat(names(services))
                .containsExactlyInAnyOrder("inception-classifier", "inception-classifier-gpu", "prometheus", "grafana");

        for (String name : List.of("inception-classifier", "inception-classifier-gpu")) {
            JsonNode app = services.path(name);
            assertThat(app.path("environment")
                            .path("CLASSIFIER_FALLBACKTORANDOM")
                            .asString())
                    .as(name)
                    .isEqualTo("false");
            assertThat(app.path("environment")
                            .path("CLASSIFIER_MODELS_0_SOURCE")
                            .isMissingNode())
                    .as("%s downloads real weights", name)
                    .isTrue();
            assertThat(app.path("read_only").asBoolean()).as(name).isTrue();
            assertThat(app.path("stop_grace_period").isMissingNode())
                    .as("%s has time for its graceful shutdown", name)
                    .isFalse();
            assertThat(app.path("tmpfs").get(0).asString()).isEqualTo("/tmp");
            Mount cache = Mount.of(app.path("volumes").get(0));
            assertThat(cache.target()).isEqualTo("/var/cache/inception-classifier");
            assertThat(cache.source()).as("a named volume").startsWith("model-cache");
        }
        assertThat(services.path("inception-classifier")
                        .path("build")
                        .path("dockerfile")
                        .asString())
                .isEqualTo("Dockerfile");
        JsonNode gpu = services.path("inception-classifier-gpu");
        assertThat(gpu.path("build").path("dockerfile").asString()).isEqualTo("Dockerfile.gpu");
        assertThat(gpu.path("profiles").get(0).asString()).isEqualTo("gpu");
        JsonNode device = gpu.path("deploy")
                .path("resources")
                .path("reservations")
                .path("devices")
                .get(0);
        assertThat(device.path("driver").asString()).isEqualTo("nvidia");
        assertThat(device.path("capabilities").get(0).asString()).isEqualTo("gpu");

        // every published port is bound to loopback only
        for (String name : names(services)) {
            for (JsonNode port : services.path(name).path("ports")) {
                String hostIp = port.isString()
                        ? port.asString().split(":")[0]
                        : port.path("host_ip").asString();
                assertThat(hostIp).as("%s port %s", name, port).isEqualTo("127.0.0.1");
            }
        }

        Mount prometheusMount =
                Mount.of(services.path("prometheus").path("volumes").get(0));
        assertThat(Path.of(prometheusMount.source())).isEqualTo(DeployFiles.PROMETHEUS_CONFIG);
        assertThat(prometheusMount.target()).isEqualTo("/etc/prometheus/prometheus.yml");

        // Grafana gets the provisioning folder and the one dashboard JSON, from the chart
        Map<String, String> grafanaMounts = new java.util.HashMap<>();
        for (JsonNode v : services.path("grafana").path("volumes")) {
            Mount m = Mount.of(v);
            grafanaMounts.put(m.target(), m.source());
        }
        assertThat(grafanaMounts)
                .containsEntry(
                        "/etc/grafana/provisioning",
                        DeployFiles.ROOT.resolve("deploy/grafana/provisioning").toString());
        Path dashboards = Path.of(grafanaMounts.get("/var/lib/grafana/dashboards/inception-classifier"));
        assertThat(dashboards.resolve("inception-classifier.json")).isEqualTo(DeployFiles.DASHBOARD);
        String provider = DeployFiles.read(
                DeployFiles.ROOT.resolve("deploy/grafana/provisioning/dashboards/inception-classifier.yml"));
        assertThat(provider).contains("path: /var/lib/grafana/dashboards/inception-classifier");
        String datasource =
                DeployFiles.read(DeployFiles.ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"));
        assertThat(datasource).contains("url: http://prometheus:9090").contains("type: prometheus");
    }

    /** A volume entry, in the short syntax (source:target[:mode]) that docker-compose 1.x prints, or the long one. */
    private record Mount(String source, String target) {
        static Mount of(JsonNode v) {
            if (v.isString()) {
                String[] parts = v.asString().split(":");
                return new Mount(parts[0], parts[1]);
            }
            return new Mount(v.path("source").asString(), v.path("target").asString());
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.propertyNames().forEach(out::add);
        return out;
    }

    private static Tools.Result compose(Path dir, String... args) {
        assumeTrue(
                Tools.which("docker-compose").isPresent(),
                "docker-compose is not installed (Debian package docker-compose; .ci/deploy-prereqs.sh installs it)");
        List<String> command = new ArrayList<>(List.of("docker-compose"));
        command.addAll(List.of(args));
        // compose interpolates ${VAR:-default}: pin the variables so the host's environment does not leak in
        Map<String, String> env = Map.of("BUILD_IMAGE", "", "RUNTIME_IMAGE", "", "PREBUILT_JAR", "", "HF_TOKEN", "");
        return Tools.run(command, dir, env, Duration.ofMinutes(1));
    }
}
