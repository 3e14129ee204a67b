package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inceptionclassifier.model.core.InputPreprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimmConfigTests {

    private static final List<String> TEN =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    @TempDir
    Path dir;

    private static Path hubConfigDir() {
        Path dir = Path.of(System.getProperty("reference.dir", "../shared/reference"), "hub_config");
        assumeTrue(
                Files.isDirectory(dir),
                "timm reference hub configs not found at " + dir + " (set -Dreference.dir); skipping");
        return dir;
    }

    private Path json(String text) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, text);
        return file;
    }

    /** A fine-tune config as timm's save_config_for_hf writes it, with the given extra top-level members. */
    private static String fineTune(String topLevelExtra, String cfgExtra) {
        return """
                {"architecture": "inception_resnet_v2", "num_classes": 10, "num_features": 1536, %s
                 "pretrained_cfg": {"tag": "tf_in1k", "custom_load": false, "input_size": [3, 299, 299],
                   "fixed_input_size": false, "interpolation": "bicubic", "crop_pct": 0.8975, "crop_mode": "center",
                   "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "num_classes": 1000, %s
                   "pool_size": [8, 8], "first_conv": "conv2d_1a.conv", "classifier": "classif"}}
                """.formatted(topLevelExtra, cfgExtra);
    }

    private static String quoted(List<String> names) {
        return "[" + String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList()) + "]";
    }

    /** What timm's Inception configs state: bicubic, center crop, mean = std = 0.5. */
    private static InputPreprocessing timm(double cropPct) {
        float[] half = {0.5f, 0.5f, 0.5f};
        return new InputPreprocessing("timm", 299, cropPct, false, "bicubic", half, half, "config.json");
    }

    @Test
    void readsTimmsHubConfigForInceptionV4() throws IOException {
        TimmConfig config = TimmConfig.read(hubConfigDir().resolve("inception_v4.tf_in1k.config.json"));

        assertThat(config.architecture()).isEqualTo("inception_v4");
        assertThat(config.numClasses()).isEqualTo(1000);
        assertThat(config.preprocess()).isEqualTo(timm(0.875));
        assertThat(config.labelNames()).isNull();
    }

    @Test
    void readsTimmsHubConfigForInceptionResNetV2() throws IOException {
        TimmConfig config = TimmConfig.read(hubConfigDir().resolve("inception_resnet_v2.tf_in1k.config.json"));

        assertThat(config.architecture()).isEqualTo("inception_resnet_v2");
        assertThat(config.numClasses()).isEqualTo(1000);
        assertThat(config.preprocess()).isEqualTo(timm(0.8975));
        assertThat(config.labelNames()).isNull();
    }

    @Test
    void fineTuneWithTopLevelLabelNamesOverridesThePretrainedClassCount() throws IOException {
        TimmConfig config = TimmConfig.read(json(fineTune("\"label_names\": " + quoted(TEN) + ",", "")));

        assertThat(config.numClasses()).isEqualTo(10);
        assertThat(config.labelNames()).containsExactlyElementsOf(TEN);
        assertThat(config.preprocess()).isEqualTo(timm(0.8975));
    }

    @Test
    void labelNamesInsideThePretrainedCfgAreUsed() throws IOException {
        TimmConfig config = TimmConfig.read(json(fineTune("", "\"label_names\": " + quoted(TEN) + ",")));

        assertThat(config.labelNames()).containsExactlyElementsOf(TEN);
    }

    @Test
    void topLevelLabelNamesWinOverThePretrainedCfgs() throws IOException {
        List<String> other = TEN.stream().map(n -> "x_" + n).toList();
        TimmConfig config = TimmConfig.read(
                json(fineTune("\"label_names\": " + quoted(TEN) + ",", "\"label_names\": " + quoted(other) + ",")));

        assertThat(config.labelNames()).containsExactlyElementsOf(TEN);
    }

    @Test
    void modelArgsNumClassesWins() throws IOException {
        TimmConfig config = TimmConfig.read(json(fineTune("\"model_args\": {\"num_classes\": 3},", "")));

        assertThat(config.numClasses()).isEqualTo(3);
    }

    @Test
    void legacyFlatConfigIsThePretrainedCfgItself() throws IOException {
        TimmConfig config = TimmConfig.read(json("""
                {"architecture": "inception_v4", "num_classes": 10, "num_features": 1536,
                 "input_size": [3, 299, 299], "interpolation": "bicubic", "crop_pct": 0.9,
                 "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                 "first_conv": "features.0.conv", "classifier": "last_linear", "labels": %s}
                """.formatted(quoted(TEN))));

        assertThat(config.architecture()).isEqualTo("inception_v4");
        assertThat(config.numClasses()).isEqualTo(10);
        assertThat(config.labelNames()).containsExactlyElementsOf(TEN);
        assertThat(config.preprocess().cropPct()).isEqualTo(0.9);
        assertThat(config.preprocess().mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(config.preprocess().std()).containsExactly(0.229f, 0.224f, 0.225f);
    }

    @Test
    void missingValuesTakeTimmsDefaults() throws IOException {
        TimmConfig config = TimmConfig.read(json("""
                {"architecture": "inception_v4", "pretrained_cfg": {"interpolation": "bicubic"}}
                """));

        assertThat(config.numClasses()).isEqualTo(1000);
        assertThat(config.preprocess().inputSize()).isEqualTo(299);
        assertThat(config.preprocess().cropPct()).isEqualTo(0.875);
        assertThat(config.preprocess().squash()).isFalse();
        assertThat(config.preprocess().mean()).containsExactly(0.485f, 0.456f, 0.406f);
    }

    @Test
    void squashWithoutCroppingIsSupported() throws IOException {
        TimmConfig config = TimmConfig.read(json(fineTune("", "")
                .replace("\"crop_pct\": 0.8975", "\"crop_pct\": 1.0")
                .replace("\"center\"", "\"squash\"")));

        assertThat(config.preprocess().squash()).isTrue();
    }

    @Test
    void readsBilinearAndRefusesInterpolationsThePipelineLacks() throws IOException {
        assertThat(TimmConfig.read(json(fineTune("", "").replace("\"bicubic\"", "\"BILINEAR\"")))
                        .preprocess()
                        .interpolation())
                .isEqualTo("bilinear");
        Path file = json(fineTune("", "").replace("\"bicubic\"", "\"nearest\""));
        assertThatThrownBy(() -> TimmConfig.read(file))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'nearest'")
                .hasMessageContaining("only 'bicubic' and 'bilinear'");

        Path missing = json("{\"architecture\": \"inception_v4\", \"pretrained_cfg\": {}}");
        assertThatThrownBy(() -> TimmConfig.read(missing))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("missing (timm then uses bilinear)");
    }

    @Test
    void refusesWhatTheImagePackageCannotDo() throws IOException {
        Path border = json(fineTune("", "").replace("\"center\"", "\"border\""));
        assertThatThrownBy(() -> TimmConfig.read(border)).hasMessageContaining("crop_mode 'border'");

        Path squashCrop = json(fineTune("", "").replace("\"center\"", "\"squash\""));
        assertThatThrownBy(() -> TimmConfig.read(squashCrop)).hasMessageContaining("crop_mode 'squash'");

        Path wide = json(fineTune("", "").replace("[3, 299, 299]", "[3, 299, 320]"));
        assertThatThrownBy(() -> TimmConfig.read(wide)).hasMessageContaining("not square");

        Path gray = json(fineTune("", "").replace("[3, 299, 299]", "[1, 299, 299]"));
        assertThatThrownBy(() -> TimmConfig.read(gray)).hasMessageContaining("1 channels");
    }

    @Test
    void refusesInconsistentOrBrokenConfigs() throws IOException {
        Path mismatch = json(fineTune("\"label_names\": [\"a\", \"b\"],", ""));
        assertThatThrownBy(() -> TimmConfig.read(mismatch))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("label_names has 2 entries but the model has 10 classes");

        Path noArch = json("{\"pretrained_cfg\": {\"interpolation\": \"bicubic\"}}");
        assertThatThrownBy(() -> TimmConfig.read(noArch)).hasMessageContaining("no 'architecture'");

        Path broken = json("{\"architecture\": \"inception_v4\", ");
        assertThatThrownBy(() -> TimmConfig.read(broken))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("invalid JSON");

        Path zero = json(fineTune("", "").replace("\"num_classes\": 10,", "\"num_classes\": 0,"));
        assertThatThrownBy(() -> TimmConfig.read(zero)).hasMessageContaining("num_classes must be a positive integer");

        Path badMean = json(fineTune("", "").replace("\"mean\": [0.5, 0.5, 0.5]", "\"mean\": [0.5]"));
        assertThatThrownBy(() -> TimmConfig.read(badMean)).hasMessageContaining("mean must hold three numbers");
    }
}
