package dev.inceptionclassifier.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Structure of both networks against timm: keys, shapes, parameter counts, stage shapes, strict loading. */
class InceptionNetworkStructureTests {

    /** Output of every stage for a 1x3x299x299 input (the reference README's tables). */
    static final Map<Architecture, Map<String, Shape>> STAGES = Map.of(
            Architecture.INCEPTION_V4,
                    stages(
                            "features.0",
                            32,
                            149,
                            "features.1",
                            32,
                            147,
                            "features.2",
                            64,
                            147,
                            "features.3",
                            160,
                            73,
                            "features.4",
                            192,
                            71,
                            "features.5",
                            384,
                            35,
                            "features.6",
                            384,
                            35,
                            "features.7",
                            384,
                            35,
                            "features.8",
                            384,
                            35,
                            "features.9",
                            384,
                            35,
                            "features.10",
                            1024,
                            17,
                            "features.11",
                            1024,
                            17,
                            "features.12",
                            1024,
                            17,
                            "features.13",
                            1024,
                            17,
                            "features.14",
                            1024,
                            17,
                            "features.15",
                            1024,
                            17,
                            "features.16",
                            1024,
                            17,
                            "features.17",
                            1024,
                            17,
                            "features.18",
                            1536,
                            8,
                            "features.19",
                            1536,
                            8,
                            "features.20",
                            1536,
                            8,
                            "features.21",
                            1536,
                            8),
            Architecture.INCEPTION_RESNET_V2,
                    stages(
                            "conv2d_1a",
                            32,
                            149,
                            "conv2d_2a",
                            32,
                            147,
                            "conv2d_2b",
                            64,
                            147,
                            "maxpool_3a",
                            64,
                            73,
                            "conv2d_3b",
                            80,
                            73,
                            "conv2d_4a",
                            192,
                            71,
                            "maxpool_5a",
                            192,
                            35,
                            "mixed_5b",
                            320,
                            35,
                            "repeat",
                            320,
                            35,
                            "mixed_6a",
                            1088,
                            17,
                            "repeat_1",
                            1088,
                            17,
                            "mixed_7a",
                            2080,
                            8,
                            "repeat_2",
                            2080,
                            8,
                            "block8",
                            2080,
                            8,
                            "conv2d_7b",
                            1536,
                            8));

    static final Map<Architecture, Long> PARAMS =
            Map.of(Architecture.INCEPTION_V4, 42_679_816L, Architecture.INCEPTION_RESNET_V2, 55_843_464L);
    static final Map<Architecture, Long> FLOATS_IN_STATE_DICT =
            Map.of(Architecture.INCEPTION_V4, 42_742_984L, Architecture.INCEPTION_RESNET_V2, 55_904_008L);

    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"INCEPTION_V4", "INCEPTION_RESNET_V2"})
    void stateDictShapesAreTimmsKeysInOrder(Architecture arch) {
        List<TimmReference.KeyLine> lines = TimmReference.keyLines(arch);
        LinkedHashMap<String, long[]> shapes = InceptionNetwork.stateDictShapes(arch, 1000);

        List<String> expected = lines.stream()
                .filter(l -> !l.isNumBatchesTracked())
                .map(l -> l.key() + " " + java.util.Arrays.toString(l.shape()))
                .toList();
        List<String> actual = shapes.entrySet().stream()
                .map(e -> e.getKey() + " " + java.util.Arrays.toString(e.getValue()))
                .toList();
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(lines.stream()
                        .filter(TimmReference.KeyLine::isNumBatchesTracked)
                        .count())
                .isEqualTo(arch == Architecture.INCEPTION_V4 ? 149 : 204);
    }

    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"INCEPTION_V4", "INCEPTION_RESNET_V2"})
    void initializedDjlParametersMatchTimmOneToOne(Architecture arch) {
        List<TimmReference.KeyLine> lines = TimmReference.keyLines(arch);
        InceptionNetwork net = InceptionNetwork.create(arch, 1000, false);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            net.loadStateDict(InceptionNetwork.randomStateDict(arch, 1000, 7), manager);

            // every DJL parameter of the block is a named one, and the other way round
            Set<Parameter> djl = Collections.newSetFromMap(new IdentityHashMap<>());
            djl.addAll(net.block().getParameters().values());
            Set<Parameter> named = Collections.newSetFromMap(new IdentityHashMap<>());
            named.addAll(net.parameters().values());
            assertThat(named).hasSameSizeAs(djl);
            assertThat(djl.containsAll(named)).isTrue();

            // names, order and the shapes DJL inferred are the timm state dict's
            List<String> expected = lines.stream()
                    .filter(l -> !l.isNumBatchesTracked())
                    .map(l -> l.key() + " " + new Shape(l.shape()))
                    .toList();
            List<String> actual = net.parameters().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().getArray().getShape())
                    .toList();
            assertThat(actual).containsExactlyElementsOf(expected);

            long learnable = 0;
            long all = 0;
            for (Parameter p : djl) {
                long size = p.getArray().size();
                all += size;
                if (!p.getName().startsWith("running")) {
                    learnable += size;
                }
            }
            assertThat(learnable).isEqualTo(PARAMS.get(arch));
            assertThat(all).isEqualTo(FLOATS_IN_STATE_DICT.get(arch));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"INCEPTION_V4", "INCEPTION_RESNET_V2"})
    void everyStageHasTimmsOutputShape(Architecture arch) {
        InceptionNetwork net = InceptionNetwork.create(arch, 1000, false);
        Map<String, Shape> expected = STAGES.get(arch);
        assertThat(net.stageNames()).containsExactlyElementsOf(expected.keySet());
        assertThat(net.stageOutputShapes(new Shape(1, 3, 299, 299))).containsExactlyEntriesOf(expected);

        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            net.loadStateDict(InceptionNetwork.randomStateDict(arch, 1000, 1), manager);
            try (NDManager batch = manager.newSubManager()) {
                NDList outs = net.forwardStages(batch.randomUniform(-1, 1, new Shape(1, 3, 299, 299)));
                Map<String, Shape> actual = new LinkedHashMap<>();
                for (int i = 0; i < net.stageNames().size(); i++) {
                    actual.put(net.stageNames().get(i), outs.get(i).getShape());
                }
                assertThat(actual).containsExactlyEntriesOf(expected);
                assertThat(outs.get(outs.size() - 1).getShape()).isEqualTo(new Shape(1, 1000));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"INCEPTION_V4", "INCEPTION_RESNET_V2"})
    void foldedNetworkHasBiasedConvsInsteadOfBatchNorms(Architecture arch) {
        InceptionNetwork net = InceptionNetwork.create(arch, 10, true);
        Map<String, long[]> timm = InceptionNetwork.stateDictShapes(arch, 10);
        long convNormActs =
                timm.keySet().stream().filter(k -> k.endsWith(".bn.weight")).count();

        assertThat(net.parameters().keySet()).noneMatch(k -> k.contains(".bn."));
        assertThat(net.parameters().keySet().stream()
                        .filter(k -> k.endsWith(".conv.bias"))
                        .count())
                .isEqualTo(convNormActs);
        for (String k : net.parameters().keySet()) {
            if (k.endsWith(".conv.bias")) {
                String prefix = k.substring(0, k.length() - ".conv.bias".length());
                assertThat(timm).containsKey(prefix + ".bn.weight");
            } else {
                assertThat(timm).containsKey(k);
            }
        }
        assertThat(net.block().getParameters().size())
                .isEqualTo(net.parameters().size());
    }

    @Test
    void strictLoadListsMissingUnexpectedAndMismatchedKeysTogether() {
        Architecture arch = Architecture.INCEPTION_V4;
        Map<String, HostTensor> sd = new LinkedHashMap<>(InceptionNetwork.randomStateDict(arch, 1000, 3));
        sd.remove("features.7.branch2.1.bn.running_var");
        sd.put("features.22.conv.weight", new HostTensor(new long[] {1}, new float[1]));
        sd.put("last_linear.bias", new HostTensor(new long[] {1001}, new float[1001]));
        // a timm checkpoint's int64 counters are ignored, whatever they hold
        sd.put("features.0.bn.num_batches_tracked", new HostTensor(new long[0], new float[] {5}));

        for (boolean folded : new boolean[] {false, true}) {
            InceptionNetwork net = InceptionNetwork.create(arch, 1000, folded);
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                CheckpointMismatchException e =
                        catchThrowableOfType(CheckpointMismatchException.class, () -> net.loadStateDict(sd, manager));
                assertThat(e).isInstanceOf(IllegalArgumentException.class);
                assertThat(e.missingKeys()).containsExactly("features.7.branch2.1.bn.running_var");
                assertThat(e.unexpectedKeys()).containsExactly("features.22.conv.weight");
                assertThat(e.shapeMismatches()).containsExactly("last_linear.bias: checkpoint [1001], model [1000]");
                assertThat(e.getMessage())
                        .contains("features.7.branch2.1.bn.running_var", "features.22.conv.weight", "last_linear.bias")
                        .doesNotContain("num_batches_tracked");
                // nothing was allocated or copied
                assertThat(net.block().isInitialized()).isFalse();
            }
        }
    }

    @Test
    void stateDictOfTheOtherArchitectureIsRejected() {
        InceptionNetwork net = InceptionNetwork.create(Architecture.INCEPTION_RESNET_V2, 1000, false);
        Map<String, long[]> v4 = InceptionNetwork.stateDictShapes(Architecture.INCEPTION_V4, 1000);
        Map<String, HostTensor> sd = new LinkedHashMap<>();
        v4.forEach((k, s) -> sd.put(k, new HostTensor(s, new float[(int) new Shape(s).size()])));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            assertThatThrownBy(() -> net.loadStateDict(sd, manager))
                    .isInstanceOf(CheckpointMismatchException.class)
                    .hasMessageContaining("conv2d_1a.conv.weight")
                    .hasMessageContaining("features.0.conv.weight");
        }
    }

    @Test
    void randomStateDictIsSeededAndDeterministic() {
        Architecture arch = Architecture.INCEPTION_RESNET_V2;
        Map<String, HostTensor> a = InceptionNetwork.randomStateDict(arch, 1000, 42);
        Map<String, HostTensor> b = InceptionNetwork.randomStateDict(arch, 1000, 42);
        Map<String, HostTensor> c = InceptionNetwork.randomStateDict(arch, 1000, 43);
        assertThat(a.keySet())
                .containsExactlyElementsOf(
                        InceptionNetwork.stateDictShapes(arch, 1000).keySet());
        for (String k : a.keySet()) {
            assertThat(a.get(k).data()).as(k).isEqualTo(b.get(k).data());
        }
        assertThat(a.get("conv2d_1a.conv.weight").data())
                .isNotEqualTo(c.get("conv2d_1a.conv.weight").data());
        assertThat(a.get("conv2d_1a.bn.weight").data()).containsOnly(1f);
        assertThat(a.get("conv2d_1a.bn.running_mean").data()).containsOnly(0f);
        assertThat(a.get("repeat.0.conv2d.bias").data()).containsOnly(0f);

        // He-normal: std close to sqrt(2 / fan_in), mean close to 0
        float[] w = a.get("conv2d_7b.conv.weight").data(); // [1536, 2080, 1, 1]
        double sum = 0;
        double sq = 0;
        for (float v : w) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / w.length;
        double std = Math.sqrt(sq / w.length - mean * mean);
        assertThat(mean).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(std).isCloseTo(Math.sqrt(2.0 / 2080), org.assertj.core.data.Percentage.withPercentage(0.5));
    }

    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"INCEPTION_V4", "INCEPTION_RESNET_V2"})
    void randomWeightsGiveReproducibleLogits(Architecture arch) {
        float[] first = logitsForSeed(arch, 11);
        float[] again = logitsForSeed(arch, 11);
        float[] other = logitsForSeed(arch, 12);
        assertThat(first).hasSize(2 * 5).isEqualTo(again);
        assertThat(other).isNotEqualTo(first);
        for (float v : first) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    private static float[] logitsForSeed(Architecture arch, long seed) {
        InceptionNetwork net = InceptionNetwork.create(arch, 5, false);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            net.loadStateDict(InceptionNetwork.randomStateDict(arch, 5, seed), manager);
            try (NDManager batch = manager.newSubManager()) {
                // 139x139 (timm's input size is not fixed) keeps this quick: 3x3 maps after the last reduction
                float[] input = new float[2 * 3 * 139 * 139];
                for (int i = 0; i < input.length; i++) {
                    input[i] = (float) Math.sin(0.001 * i);
                }
                NDArray x = batch.create(input, new Shape(2, 3, 139, 139));
                return net.block()
                        .forward(new ParameterStore(batch, false), new NDList(x), false)
                        .singletonOrThrow()
                        .toFloatArray();
            }
        }
    }

    private static Map<String, Shape> stages(Object... nameChannelsSize) {
        Map<String, Shape> m = new LinkedHashMap<>();
        for (int i = 0; i < nameChannelsSize.length; i += 3) {
            int c = (Integer) nameChannelsSize[i + 1];
            int s = (Integer) nameChannelsSize[i + 2];
            m.put((String) nameChannelsSize[i], new Shape(1, c, s, s));
        }
        return Collections.unmodifiableMap(m);
    }
}
