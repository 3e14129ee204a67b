package dev.inceptionclassifier.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The eager execution (DJL blocks op by op, derived from the same descriptions) of GoogLeNet, Inception-v3,
 * Inception-ResNet-v1 (embedding) and BN-Inception against the family's public fixture, with BatchNorm unfolded and
 * folded; auxiliary heads in a checkpoint are accepted and ignored, anything else unknown is refused.
 */
class FamilyEagerFixtureTests {

    static Stream<Architecture> family() {
        return FamilyReference.ARCHITECTURES.stream();
    }

    private static NetworkGraph graph(Architecture arch) {
        return arch == Architecture.INCEPTION_RESNET_V1 ? arch.embeddingGraph() : arch.graph(1000);
    }

    private static Map<String, HostTensor> stateDict(Architecture arch) {
        Map<String, HostTensor> sd = new LinkedHashMap<>(FamilyReference.fixtureStateDict(arch));
        if (arch == Architecture.INCEPTION_RESNET_V1) {
            sd.keySet().removeIf(k -> k.startsWith("logits."));
        }
        return sd;
    }

    @ParameterizedTest
    @MethodSource("family")
    void float32StagesAndOutputsMatchTheReferenceUnfoldedAndFolded(Architecture arch) {
        JsonNode fx = FamilyReference.fixture(arch);
        int s = arch.inputSize();
        for (boolean folded : new boolean[] {false, true}) {
            InceptionNetwork net = InceptionNetwork.of(graph(arch), folded);
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                net.loadStateDict(stateDict(arch), manager);
                try (NDManager batch = manager.newSubManager()) {
                    NDList outs = net.forwardStages(
                            batch.create(TimmReference.toFloat(FamilyReference.input(s)), new Shape(2, 3, s, s)));
                    TimmFixtureAssertions.checkStages(arch, fx.get("stages_float64"), outs);
                    int n = Math.toIntExact(outs.get(outs.size() - 1).getShape().get(1));
                    FamilyFixtureAssertions.checkOutputs(
                            arch.timmName() + " eager fp32 " + (folded ? "folded" : "unfolded"),
                            fx.get("float32"),
                            FamilyFixtureAssertions.all64(arch, fx),
                            outs.get(outs.size() - 1).toFloatArray(),
                            n);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"GOOGLENET", "INCEPTION_V3"})
    void auxiliaryHeadsAreAcceptedButNotUnknownKeys(Architecture arch) {
        Map<String, HostTensor> sd = new LinkedHashMap<>(stateDict(arch));
        sd.putAll(FamilyReference.auxStateDict(arch));
        InceptionNetwork net = InceptionNetwork.of(arch.graph(1000), true);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            net.loadStateDict(sd, manager);
            assertThat(net.parameters().keySet()).noneMatch(k -> k.startsWith("aux") || k.startsWith("AuxLogits"));
        }
        sd.put("extra.weight", new HostTensor(new long[] {1}, new float[] {0}));
        assertThatThrownBy(() -> InceptionNetwork.checkStrict(arch.timmName(), arch.graph(1000), sd))
                .isInstanceOf(CheckpointMismatchException.class)
                .hasMessageContaining("extra.weight");
    }
}
