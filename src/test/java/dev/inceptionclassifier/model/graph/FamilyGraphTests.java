package dev.inceptionclassifier.model.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.model.arch.FamilyReference;
import dev.inceptionclassifier.model.arch.TimmReference;
import dev.inceptionclassifier.model.core.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The four family descriptions against their reference modules: exact parameter counts (the reference README's
 * table), every state-dict key and shape in order, every stage's output shape at the native size, and the
 * auxiliary-head and facenet layouts.
 */
class FamilyGraphTests {

    static Stream<Arguments> parameterCounts() {
        return Stream.of(
                Arguments.of(Architecture.GOOGLENET.graph(1000), 6_624_904L),
                Arguments.of(Architecture.INCEPTION_V3.graph(1000), 23_834_568L),
                Arguments.of(Architecture.INCEPTION_RESNET_V1.graph(8631), 27_910_327L),
                Arguments.of(Architecture.INCEPTION_RESNET_V1.graph(10575), 28_907_599L),
                Arguments.of(Architecture.INCEPTION_RESNET_V1.embeddingGraph(), 23_482_624L),
                Arguments.of(Architecture.BNINCEPTION.graph(1000), 11_295_240L));
    }

    /** Parameters as PyTorch counts them: every state-dict float entry except the BatchNorm running statistics. */
    static long parameters(Map<String, long[]> shapes) {
        long n = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (!e.getKey().endsWith(".running_mean") && !e.getKey().endsWith(".running_var")) {
                long c = 1;
                for (long d : e.getValue()) {
                    c *= d;
                }
                n += c;
            }
        }
        return n;
    }

    @ParameterizedTest
    @MethodSource("parameterCounts")
    void parameterCountsAreTheReferences(NetworkGraph graph, long expected) {
        assertThat(parameters(graph.stateDictShapes())).isEqualTo(expected);
    }

    @Test
    void withTheirAuxiliaryHeadsTheCountsAreTorchvisionsMeta() {
        // torchvision's weights meta: GoogLeNet 13,004,888 and Inception3 27,161,264 (the aux layouts)
        for (Architecture arch : List.of(Architecture.GOOGLENET, Architecture.INCEPTION_V3)) {
            NetworkGraph g = arch.graph(1000);
            Map<String, long[]> all = new LinkedHashMap<>(g.stateDictShapes());
            all.putAll(g.auxiliaryShapes());
            assertThat(parameters(all)).isEqualTo(arch == Architecture.GOOGLENET ? 13_004_888L : 27_161_264L);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.inceptionclassifier.model.arch.FamilyReference#family")
    void keysAndShapesAreTheReferencesInOrder(Architecture arch) {
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (TimmReference.KeyLine line : FamilyReference.keyLines(arch, false)) {
            if (!line.isNumBatchesTracked()) {
                expected.add(line.key() + " " + Arrays.toString(line.shape()));
            }
        }
        int classes = arch == Architecture.INCEPTION_RESNET_V1 ? 8631 : 1000;
        arch.graph(classes).stateDictShapes().forEach((k, v) -> actual.add(k + " " + Arrays.toString(v)));
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @MethodSource("dev.inceptionclassifier.model.arch.FamilyReference#family")
    void aCheckpointInTheReferenceLayoutPassesTheStrictCheck(Architecture arch) {
        Map<String, long[]> checkpoint = new LinkedHashMap<>();
        FamilyReference.keyLines(arch, false).forEach(l -> checkpoint.put(l.key(), l.shape()));
        int classes = arch == Architecture.INCEPTION_RESNET_V1 ? 8631 : 1000;
        assertThat(KeyCheck.compare(arch.graph(classes), checkpoint).matches()).isTrue();
        if (arch == Architecture.GOOGLENET || arch == Architecture.INCEPTION_V3) {
            Map<String, long[]> withAux = new LinkedHashMap<>(checkpoint);
            FamilyReference.keyLines(arch, true).forEach(l -> withAux.put(l.key(), l.shape()));
            assertThat(KeyCheck.compare(arch.graph(1000), withAux).matches())
                    .as("with aux heads")
                    .isTrue();
            // an aux head of another shape is a mismatch, not silently accepted
            String fc = arch == Architecture.GOOGLENET ? "aux1.fc2.weight" : "AuxLogits.fc.weight";
            withAux.put(fc, new long[] {10, withAux.get(fc)[1]});
            assertThat(KeyCheck.compare(arch.graph(1000), withAux).mismatched())
                    .singleElement()
                    .asString()
                    .startsWith(fc);
        }
        if (arch == Architecture.INCEPTION_RESNET_V1) {
            Map<String, long[]> noLogits = new LinkedHashMap<>(checkpoint);
            noLogits.keySet().removeIf(k -> k.startsWith("logits."));
            assertThat(KeyCheck.compare(arch.embeddingGraph(), noLogits).matches())
                    .isTrue();
            assertThat(KeyCheck.compare(arch.embeddingGraph(), checkpoint).unexpected())
                    .containsExactly("logits.bias", "logits.weight");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.inceptionclassifier.model.arch.FamilyReference#family")
    void stageShapesAtTheNativeSizeAreTheReferences(Architecture arch) {
        JsonNode stages = FamilyReference.fixture(arch).get("stages_float64");
        NetworkGraph graph = arch == Architecture.INCEPTION_RESNET_V1 ? arch.embeddingGraph() : arch.graph(1000);
        List<Dims> shapes = new ArrayList<>(
                graph.outputShapes(arch.inputSize(), arch.inputSize()).values());
        assertThat(shapes).hasSize(stages.size() + 1);
        for (int i = 0; i < stages.size(); i++) {
            int[] s = TimmReference.ints(stages.get(i).get("shape"));
            assertThat(shapes.get(i)).as(stages.get(i).get("module").asString()).isEqualTo(new Dims(s[1], s[2], s[3]));
        }
        assertThat(shapes.get(stages.size()))
                .isEqualTo(Dims.flat(
                        TimmReference.ints(FamilyReference.fixture(arch).get("output_shape"))[1]));
    }
}
