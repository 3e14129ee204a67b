package dev.inceptionclassifier.model.torchscript;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The emitted program and its archive, without libtorch (loading them is checked where libtorch runs). */
class TorchScriptArchiveTests {

    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"INCEPTION_V4", "INCEPTION_RESNET_V2"})
    void theProgramReadsEveryFoldedWeightOnceFromTheRightDictAndCallsOnlyAtenOperators(Architecture arch) {
        NetworkGraph graph = arch.graph(1000);
        String source = TorchScriptEmitter.emit(graph);

        Map<String, Integer> body = references(source, "w");
        Map<String, Integer> head = references(source, "h");
        Set<String> all = new TreeSet<>(body.keySet());
        all.addAll(head.keySet());
        assertThat(all).containsExactlyInAnyOrderElementsOf(graph.foldedShapes().keySet());
        assertThat(head.keySet()).containsExactlyInAnyOrderElementsOf(graph.headWeights());
        assertThat(body.values()).containsOnly(1);
        assertThat(head.values()).containsOnly(1);

        // folded: no BatchNorm in the graph; and no Python helper modules, so no code/__torch__/... files
        Set<String> ops = new TreeSet<>();
        Matcher m = Pattern.compile("torch\\.([a-z_0-9]+)\\(").matcher(source);
        while (m.find()) {
            ops.add(m.group(1));
        }
        assertThat(ops)
                .isSubsetOf(
                        "to",
                        "contiguous",
                        "eq",
                        "dim",
                        "items",
                        "values",
                        "len",
                        "_set_item",
                        "add",
                        "add_",
                        "mul",
                        "numel",
                        "element_size",
                        "append",
                        "conv2d",
                        "relu_",
                        "max_pool2d",
                        "avg_pool2d",
                        "cat",
                        "mean",
                        "linear",
                        "flatten")
                .contains("conv2d", "max_pool2d", "avg_pool2d", "cat", "mean", "linear");
        assertThat(ops.contains("add_")).as("residual additions").isEqualTo(arch == Architecture.INCEPTION_RESNET_V2);
        assertThat(source).doesNotContain("batch_norm").doesNotContain("__torch__.torch.");
    }

    @Test
    void theArchiveIsWhatTorchJitSaveWritesLessTheDebugFiles() throws IOException {
        NetworkGraph graph = Architecture.INCEPTION_V4.graph(1000);
        String source = TorchScriptEmitter.emit(graph);
        byte[] archive = TorchScriptArchive.bytes("inception_v4", graph.className(), source);
        assertThat(TorchScriptArchive.bytes("inception_v4", graph.className(), source))
                .as("reproducible")
                .isEqualTo(archive);

        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        assertThat(entries.keySet())
                .containsExactly(
                        "inception_v4/data.pkl",
                        "inception_v4/code/__torch__.py",
                        "inception_v4/constants.pkl",
                        "inception_v4/version");
        assertThat(new String(entries.get("inception_v4/code/__torch__.py"), StandardCharsets.UTF_8))
                .isEqualTo(source);
        assertThat(entries.get("inception_v4/version")).isEqualTo("3\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(entries.get("inception_v4/constants.pkl")).containsExactly(0x80, 2, ')', '.');

        // protocol 2: __torch__.InceptionV4 rebuilt, then its attributes in declaration order, typed empty dicts
        String pickle = new String(entries.get("inception_v4/data.pkl"), StandardCharsets.ISO_8859_1);
        assertThat(pickle)
                .startsWith("\u0080\u0002c__torch__\nInceptionV4\n)\u0081}(")
                .endsWith("ub.");
        assertThat(pickle)
                .containsSubsequence(
                        "training",
                        "_is_full_backward_hook",
                        "w",
                        "Dict[str, Tensor]",
                        "h",
                        "Dict[str, Tensor]",
                        "dtype",
                        "head_dtype",
                        "channels_last");
        assertThat(pickle).contains("ctorch.jit._pickle\nrestore_type_tag\n");
    }

    @Test
    void numbersAreWrittenSoTorchScriptReadsThemBackExactly() {
        assertThat(TorchScriptEmitter.number(0.17)).isEqualTo("0.17");
        assertThat(TorchScriptEmitter.number(1e-12)).isEqualTo("1.0e-12");
        assertThat(Double.parseDouble(TorchScriptEmitter.number(0.458))).isEqualTo(0.458);
    }

    private static Map<String, Integer> references(String source, String dict) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\b" + dict + "\\[\"([^\"]+)\"\\]").matcher(source);
        while (m.find()) {
            counts.merge(m.group(1), 1, Integer::sum);
        }
        return counts;
    }
}
