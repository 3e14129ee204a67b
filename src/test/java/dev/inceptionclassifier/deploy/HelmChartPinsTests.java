package dev.inceptionclassifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The chart passes sha256 pins and the download limit through to the service, and its schema checks the pins. */
class HelmChartPinsTests {

    @Test
    void pinsReachTheServiceConfiguration() {
        RenderedChart chart = RenderedChart.render(DeployFiles.TEST_RESOURCES.resolve("values-pinned.yaml"));

        ConfigMap config = chart.all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(RenderedChart.RELEASE + "-inception-classifier-config"))
                .findFirst()
                .orElseThrow();
        JsonNode classifier = YAMLMapper.builder()
                .build()
                .readTree(config.getData().get("application.yaml"))
                .path("classifier");
        assertThat(classifier
                        .path("models")
                        .get(0)
                        .path("sha256")
                        .path("weights")
                        .asString())
                .isEqualTo("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertThat(classifier
                        .path("models")
                        .get(0)
                        .path("sha256")
                        .path("config")
                        .asString())
                .isEqualTo("fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
        assertThat(classifier
                        .path("models")
                        .get(1)
                        .path("sha256")
                        .path("weights")
                        .asString())
                .hasSize(64);
        assertThat(classifier.path("hub").path("maxDownloadSize").asString()).isEqualTo("500MB");
        assertThat(classifier.path("fallbackToRandom").asBoolean(true)).isFalse();
    }

    @Test
    void aMalformedPinIsRefused() {
        assertThatThrownBy(() -> RenderedChart.render(DeployFiles.TEST_RESOURCES.resolve("values-bad-pin.yaml")))
                .hasMessageContaining("weights");
    }
}
