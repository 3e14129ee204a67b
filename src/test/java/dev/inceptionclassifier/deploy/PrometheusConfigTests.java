package dev.inceptionclassifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The Prometheus configuration used by docker-compose, checked by {@code promtool check config}. */
class PrometheusConfigTests {

    @Test
    void promtoolAcceptsTheComposeConfig() {
        Tools.Result result = promtool(DeployFiles.PROMETHEUS_CONFIG);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void promtoolRejectsABrokenConfig(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("prometheus.yml");
        Files.writeString(
                broken,
                DeployFiles.read(DeployFiles.PROMETHEUS_CONFIG)
                        .replace("scrape_interval: 5s", "scrape_interval: 5 seconds"));
        Tools.Result result = promtool(broken);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
    }

    @Test
    void scrapesTheServiceWithTheDashboardLabels() {
        JsonNode config = YAMLMapper.builder().build().readTree(DeployFiles.PROMETHEUS_CONFIG.toFile());
        JsonNode job = null;
        for (JsonNode j : config.path("scrape_configs")) {
            if (j.path("job_name").asString().equals("inception-classifier")) {
                job = j;
            }
        }
        assertThat(job).as("inception-classifier job").isNotNull();
        assertThat(job.path("metrics_path").asString()).isEqualTo("/actuator/prometheus");
        JsonNode first = job.path("static_configs").get(0);
        assertThat(first.path("targets").get(0).asString()).isEqualTo("inception-classifier:8080");
        assertThat(first.path("labels").path("namespace").asString()).isEqualTo("compose");
        assertThat(first.path("labels").path("pod").asString()).isEqualTo("inception-classifier");
    }

    private static Tools.Result promtool(Path config) {
        assumeTrue(
                Tools.which("promtool").isPresent(),
                "promtool is not installed (Debian package prometheus; .ci/deploy-prereqs.sh installs it)");
        return Tools.run(
                List.of("promtool", "check", "config", config.toString()),
                DeployFiles.ROOT,
                Map.of(),
                Duration.ofMinutes(1));
    }
}
