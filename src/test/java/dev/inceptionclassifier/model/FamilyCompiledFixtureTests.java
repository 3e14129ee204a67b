package dev.inceptionclassifier.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.inceptionclassifier.model.arch.FamilyFixtureAssertions;
import dev.inceptionclassifier.model.arch.FamilyReference;
import dev.inceptionclassifier.model.arch.TimmFixtureAssertions;
import dev.inceptionclassifier.model.arch.TimmReference;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.model.graph.BatchNormFolding;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The compiled program of GoogLeNet, Inception-v3, Inception-ResNet-v1 (embedding) and BN-Inception against their
 * reference implementations on the family's public fixture: every stage and the outputs in float32, every output in
 * float64, torchvision's {@code transform_input}, facenet's classifier, auxiliary heads ignored, and bf16.
 */
class FamilyCompiledFixtureTests {

    static Stream<Architecture> family() {
        return FamilyReference.ARCHITECTURES.stream();
    }

    /** The network the fixture's main blocks describe: the classifier, or for IRv1 the embedding. */
    static NetworkGraph fixtureGraph(Architecture arch) {
        return arch == Architecture.INCEPTION_RESNET_V1 ? arch.embeddingGraph() : arch.graph(1000);
    }

    /** The fixture's state dict in {@link #fixtureGraph}'s layout (IRv1 without its {@code logits} entries). */
    static Map<String, HostTensor> fixtureStateDict(Architecture arch) {
        Map<String, HostTensor> sd = new LinkedHashMap<>(FamilyReference.fixtureStateDict(arch));
        if (arch == Architecture.INCEPTION_RESNET_V1) {
            sd.keySet().removeIf(k -> k.startsWith("logits."));
        }
        return sd;
    }

    static NDArray input(NDManager manager, Architecture arch) {
        int s = arch.inputSize();
        return manager.create(TimmReference.toFloat(FamilyReference.input(s)), new Shape(2, 3, s, s));
    }

    @ParameterizedTest
    @MethodSource("family")
    void float32StagesAndOutputsMatchTheReference(Architecture arch) {
        JsonNode fx = FamilyReference.fixture(arch);
        NetworkGraph graph = fixtureGraph(arch);
        try (Model model =
                        CompiledNetwork.load("fixture", graph, fixtureStateDict(arch), Precision.FP32, Device.cpu());
                NDManager batch = model.getNDManager().newSubManager()) {
            NDArray x = input(batch, arch);
            NDList outs = CompiledNetworkFixtureTests.stages(model, x);
            TimmFixtureAssertions.checkStages(arch, fx.get("stages_float64"), outs);
            float[] out = outs.get(outs.size() - 1).toFloatArray();
            int n = Math.toIntExact(outs.get(outs.size() - 1).getShape().get(1));
            FamilyFixtureAssertions.checkOutputs(
                    arch.timmName() + " compiled fp32",
                    fx.get("float32"),
                    FamilyFixtureAssertions.all64(arch, fx),
                    out,
                    n);
            float[] forward = CompiledNetworkFixtureTests.forward(model, x);
            assertThat(forward).containsExactly(out);
        }
    }

    @ParameterizedTest
    @MethodSource("family")
    void float64OutputsMatchTheReferenceFloat64Run(Architecture arch) {
        JsonNode fx = FamilyReference.fixture(arch);
        NetworkGraph graph = fixtureGraph(arch);
        Map<String, double[]> folded = BatchNormFolding.foldDouble(graph, FamilyReference.fixtureWeights(arch)::get);
        double[] expected = FamilyFixtureAssertions.all64(arch, fx);
        int s = arch.inputSize();
        try (Model model = CompiledNetwork.loadFloat64("fixture64", graph, folded, Device.cpu());
                NDManager batch = model.getNDManager().newSubManager()) {
            double[] out = model.getBlock()
                    .forward(
                            new ParameterStore(batch, false),
                            new NDList(batch.create(FamilyReference.input(s), new Shape(2, 3, s, s))),
                            false)
                    .singletonOrThrow()
                    .toDoubleArray();
            assertThat(out).hasSize(expected.length);
            double worstRel = 0;
            for (int i = 0; i < out.length; i++) {
                worstRel = Math.max(worstRel, Math.abs(out[i] - expected[i]) / Math.abs(expected[i]));
                // the reference's float64 values are printed to 6 significant digits
                assertThat(out[i])
                        .as(arch + " value " + i)
                        .isCloseTo(expected[i], within(1e-5 * Math.abs(expected[i]) + 1e-8));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s compiled float64: all %d outputs vs reference float64, worst rel %.3g%n",
                    arch.timmName(),
                    out.length,
                    worstRel);
        }
    }

    /** torchvision's pretrained GoogLeNet and Inception3 run with transform_input=True: the fixture has that run. */
    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"GOOGLENET", "INCEPTION_V3"})
    void transformInputMatchesTorchvisionsRunWithIt(Architecture arch) {
        JsonNode fx = FamilyReference.fixture(arch).get("transform_input_true");
        try (Model model = CompiledNetwork.load(
                        "fixture",
                        arch.graphWithTransformInput(1000),
                        FamilyReference.fixtureStateDict(arch),
                        Precision.FP32,
                        Device.cpu());
                NDManager batch = model.getNDManager().newSubManager()) {
            float[] out = CompiledNetworkFixtureTests.forward(model, input(batch, arch));
            FamilyFixtureAssertions.checkOutputs(
                    arch.timmName() + " transform_input compiled fp32 vs float64", fx.get("float64"), null, out, 1000);
        }
    }

    /** facenet's classify=True: the vggface2 layout's 8631 logits from the same weights. */
    @Test
    void inceptionResNetV1ClassifierGivesFacenetsLogits() {
        Architecture arch = Architecture.INCEPTION_RESNET_V1;
        JsonNode fx = FamilyReference.fixture(arch).get("logits_classify_true");
        try (Model model = CompiledNetwork.load(
                        "fixture",
                        arch.graph(8631),
                        FamilyReference.fixtureStateDict(arch),
                        Precision.FP32,
                        Device.cpu());
                NDManager batch = model.getNDManager().newSubManager()) {
            float[] out = CompiledNetworkFixtureTests.forward(model, input(batch, arch));
            FamilyFixtureAssertions.checkOutputs(
                    "inception_resnet_v1 logits compiled fp32", fx.get("float32"), null, out, 8631);
        }
    }

    /** torchvision's checkpoints carry aux1/aux2 (GoogLeNet) and AuxLogits (v3): accepted, never loaded or run. */
    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"GOOGLENET", "INCEPTION_V3"})
    void auxiliaryHeadsInACheckpointAreAcceptedAndIgnored(Architecture arch) {
        Map<String, HostTensor> withAux = new LinkedHashMap<>(FamilyReference.fixtureStateDict(arch));
        Map<String, HostTensor> aux = FamilyReference.auxStateDict(arch);
        assertThat(aux).isNotEmpty();
        withAux.putAll(aux);
        NetworkGraph graph = arch.graph(1000);
        try (Model plain = CompiledNetwork.load(
                        "plain", graph, FamilyReference.fixtureStateDict(arch), Precision.FP32, Device.cpu());
                Model auxModel = CompiledNetwork.load("aux", graph, withAux, Precision.FP32, Device.cpu());
                NDManager batch = plain.getNDManager().newSubManager()) {
            assertThat(CompiledNetwork.weightBytes(auxModel)).isEqualTo(CompiledNetwork.weightBytes(plain));
            NDArray x = input(batch, arch);
            assertThat(CompiledNetworkFixtureTests.forward(auxModel, x))
                    .containsExactly(CompiledNetworkFixtureTests.forward(plain, x));
        }
    }

    /**
     * bf16 (weights and activations, channels-last) against float32 on the fixture: the same top-1 class; for the
     * embedding, bf16 moves each image's embedding by less than a fifth of the distance between the two images'
     * embeddings (what a face-verification threshold compares; measured: 0.06 against 0.67).
     */
    @ParameterizedTest
    @MethodSource("family")
    void bf16KeepsTheTop1ClassOrTheEmbedding(Architecture arch) {
        assumeTrue(CpuFeatures.system().nativeBf16(), "this CPU has no native bf16 (avx512_bf16/amx_bf16); skipping");
        NetworkGraph graph = fixtureGraph(arch);
        Map<String, HostTensor> sd = fixtureStateDict(arch);
        float[] fp32 = run(graph, sd, Precision.FP32, arch);
        float[] bf16 = run(graph, sd, Precision.BF16, arch);
        int n = fp32.length / 2;
        double between = distance(fp32, 0, fp32, n, n);
        for (int img = 0; img < 2; img++) {
            double moved = distance(fp32, img * n, bf16, img * n, n);
            int top32 = CompiledNetworkFixtureTests.argmax(fp32, img * n, n);
            int top16 = CompiledNetworkFixtureTests.argmax(bf16, img * n, n);
            System.out.printf(
                    Locale.ROOT,
                    "%s bf16 vs fp32, image %d: top-1 %d / %d, |bf16 - fp32| %.3g, |image0 - image1| %.3g%n",
                    arch.timmName(),
                    img,
                    top32,
                    top16,
                    moved,
                    between);
            if (arch == Architecture.INCEPTION_RESNET_V1) {
                assertThat(moved)
                        .as(arch + " image " + img + " embedding moved")
                        .isLessThan(between / 5);
            } else {
                assertThat(top16).as(arch + " image " + img + " top-1").isEqualTo(top32);
            }
        }
    }

    private static double distance(float[] a, int fromA, float[] b, int fromB, int n) {
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) a[fromA + i] - b[fromB + i];
            sq += d * d;
        }
        return Math.sqrt(sq);
    }

    private static float[] run(NetworkGraph graph, Map<String, HostTensor> sd, Precision precision, Architecture arch) {
        try (Model model = CompiledNetwork.load(precision.id(), graph, sd, precision, Device.cpu());
                NDManager batch = model.getNDManager().newSubManager()) {
            return CompiledNetworkFixtureTests.forward(model, input(batch, arch));
        }
    }
}
