package dev.inceptionclassifier.model.checkpoint;

import static dev.inceptionclassifier.model.checkpoint.PthScripts.assertMatchesTorch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inceptionclassifier.model.core.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PthReader} on checkpoints written by real PyTorch ({@code pth_real.py}: torch.save in both container formats,
 * plus old-format files assembled by hand and accepted by {@code torch.load(weights_only=True)}), each compared
 * value by value with what torch.load returns. Skipped where Debian's python3-torch is absent.
 */
class PthReaderTests {

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeCheckpoints() throws IOException {
        PthScripts.run(dir, "pth_real.py");
    }

    private static Path file(String name) {
        return dir.resolve(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtypes.zip.pth", "dtypes.legacy.pth"})
    void readsEveryDtypeViewAndSharedStorageExactlyAsTorchLoads(String name) throws IOException {
        Path f = file(name);

        Map<String, HostTensor> read = PthReader.read(f);

        assertMatchesTorch(f, read);
        // the file holds what the test means to cover: views, sharing, every float dtype, a skipped counter
        assertThat(read)
                .containsKeys(
                        "fc.weight_t",
                        "conv.slice",
                        "broadcast",
                        "channels_last",
                        "half_t",
                        "double_t",
                        "half",
                        "brain",
                        "double",
                        "scalar",
                        "empty",
                        "tied")
                .doesNotContainKey("bn.num_batches_tracked");
        assertThat(read.get("broadcast").data()).containsExactly(1.5f, -2.5f, 1.5f, -2.5f, 1.5f, -2.5f);
        assertThat(read.get("scalar").shape()).isEmpty();
        assertThat(read.get("double").data()[1]).isEqualTo((float) 1e-40).isNotZero(); // a float subnormal
    }

    @ParameterizedTest
    @ValueSource(strings = {"module.zip.pth", "module.legacy.pth"})
    void readsARealModulesStateDict(String name) throws IOException {
        Path f = file(name);

        Map<String, HostTensor> read = PthReader.read(f);

        assertMatchesTorch(f, read);
        // 7 conv + BatchNorm pairs: weight, BN weight, bias, mean, var; the 7 counters skipped
        assertThat(read.keySet()).contains("branch3x3dbl_3.bn.running_var").hasSize(35);
    }

    @ParameterizedTest
    @ValueSource(strings = {"parameters.zip.pth", "parameters.legacy.pth"})
    void readsParametersSavedWithKeepVars(String name) throws IOException {
        Path f = file(name);

        assertMatchesTorch(f, PthReader.read(f));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "wrapped_state_dict.zip.pth",
                "wrapped_state_dict.legacy.pth",
                "wrapped_model.zip.pth",
                "wrapped_model.legacy.pth",
                "wrapped_both.zip.pth",
                "wrapped_both.legacy.pth"
            })
    void unwrapsTrainingCheckpointsPreferringStateDictOverModel(String name) throws IOException {
        Path f = file(name);

        Map<String, HostTensor> read = PthReader.read(f);

        assertMatchesTorch(f, read);
        assertThat(read).containsOnlyKeys("a.weight", "a.bias");
    }

    @Test
    void readsPre04TensorsPython2StringsStorageViewsAndOldParameters() throws IOException {
        Path f = file("old_py2.legacy.pth");

        Map<String, HostTensor> read = PthReader.read(f);

        assertMatchesTorch(f, read);
        assertThat(read)
                .containsOnlyKeys(
                        "features.0.weight",
                        "features.0.half",
                        "features.1.double",
                        "features.2.view",
                        "classifier.weight");
    }

    @Test
    void readsZip64Archives() throws IOException {
        Path f = file("zip64.zip.pth");

        Map<String, HostTensor> read = PthReader.read(f);

        assertMatchesTorch(f, read);
        assertThat(read.get("w").data()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtypes.zip.pth", "dtypes.legacy.pth", "old_py2.legacy.pth"})
    void smallMappingWindowsGiveTheSameTensors(String name) throws IOException {
        Path f = file(name);

        // 16- and 40-byte windows: every tensor spans many mappings, and strided reads remap back and forth
        assertMatchesTorch(f, PthReader.read(f, key -> true, 16));
        assertMatchesTorch(f, PthReader.read(f, key -> true, 40));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ints.zip.pth", "ints.legacy.pth"})
    void refusesIntegerTensorsThatAreNotBatchCountersUnlessFilteredOut(String name) throws IOException {
        Path f = file(name);

        assertThatThrownBy(() -> PthReader.read(f))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("'ids' has dtype I32");
        assertThat(PthReader.read(f, key -> !key.equals("ids"))).containsOnlyKeys("w");
    }

    @Test
    void keyFilterSkipsTensorsWithoutConvertingThem() throws IOException {
        Map<String, HostTensor> read = PthReader.read(file("module.zip.pth"), key -> key.startsWith("branch1x1."));

        assertThat(read)
                .containsOnlyKeys(
                        "branch1x1.conv.weight",
                        "branch1x1.bn.weight",
                        "branch1x1.bn.bias",
                        "branch1x1.bn.running_mean",
                        "branch1x1.bn.running_var");
    }
}
