package dev.inceptionclassifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The chart serves every architecture side by side: its schema accepts the six, the published state dicts, the
 * preprocessing presets and the precisions, and passes them through to the service unchanged.
 */
class HelmChartFamilyTests {

    @Test
    void severalArchitecturesPresetsAndPrecisionsReachTheServiceConfiguration() {
        RenderedChart chart = RenderedChart.render(DeployFiles.TEST_RESOURCES.resolve("values-family.yaml"));
        ConfigMap config = chart.all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(RenderedChart.RELEASE + "-inception-classifier-config"))
                .findFirst()
                .orElseThrow();
        JsonNode classifier = YAMLMapper.builder()
                .build()
                .readTree(config.getData().get("application.yaml"))
                .path("classifier");
        List<String> architectures = new ArrayList<>();
        classifier
                .path("models")
                .forEach(m -> architectures.add(m.path("architecture").asString()));
        assertThat(architectures)
                .containsExactly("inception_v4", "inception_v3", "googlenet", "bninception", "inception_resnet_v1");
        assertThat(classifier.path("models").get(0).path("precision").asString())
                .isEqualTo("bf16");
        assertThat(classifier
                        .path("models")
                        .get(4)
                        .path("preprocess")
                        .path("preset")
                        .asString())
                .isEqualTo("facenet");
        assertThat(classifier.path("models").get(2).path("source").asString()).endsWith("googlenet-1378be20.pth");
        assertThat(classifier.path("inference").path("execution").asString()).isEqualTo("compiled");
    }

    @Test
    void anUnknownArchitectureOrPresetIsRefused(@TempDir Path dir) throws Exception {
        Path arch = dir.resolve("arch.yaml");
        Files.writeString(arch, "classifier:\n  models:\n    - name: x\n      architecture: resnet50\n");
        assertThatThrownBy(() -> RenderedChart.render(arch)).hasMessageContaining("architecture");
        Path preset = dir.resolve("preset.yaml");
        Files.writeString(
                preset,
                "classifier:\n  models:\n    - name: x\n      architecture: googlenet\n"
                        + "      preprocess:\n        preset: caffe\n");
        assertThatThrownBy(() -> RenderedChart.render(preset)).hasMessageContaining("preset");
    }
}
