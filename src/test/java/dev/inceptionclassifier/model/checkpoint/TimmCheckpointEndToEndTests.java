package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.inceptionclassifier.model.arch.CheckpointMismatchException;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import dev.inceptionclassifier.model.checkpoint.SafetensorsReader.Dtype;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * timm checkpoint to logits without Python: the public fixture's weights written as timm's {@code model.safetensors}
 * (timm key names, the safetensors library's order, I64 {@code num_batches_tracked} scalars), read back with
 * {@link SafetensorsReader}, loaded strictly into {@link InceptionNetwork} (unfused and BN-folded) and run on the two
 * fixture images, against timm's float32 logits.
 */
class TimmCheckpointEndToEndTests {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"INCEPTION_V4", "INCEPTION_RESNET_V2"})
    void safetensorsCheckpointReproducesTimmsLogits(Architecture arch) throws IOException {
        Path ref = FixtureWeights.referenceDir();
        JsonNode expected =
                FixtureWeights.fixture(ref).get("models").get(arch.timmName()).get("float32");
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(
                file, FixtureWeights.checkpoint(FixtureWeights.keys(ref, arch), FixtureWeights.gain(arch), Dtype.F32));

        Map<String, HostTensor> stateDict = SafetensorsReader.read(file);
        float[] input = FixtureWeights.inputs();
        for (boolean folded : new boolean[] {false, true}) {
            float[] logits = run(arch, folded, stateDict, input);
            for (int img = 0; img < 2; img++) {
                checkLogits(
                        arch + (folded ? " folded" : " unfused") + " image" + img,
                        Arrays.copyOfRange(logits, img * 1000, img * 1000 + 1000),
                        expected.get("image" + img));
            }
        }
    }

    /** Loads {@code stateDict} into a fresh network and returns the logits of {@code input} (2 images). */
    private static float[] run(Architecture arch, boolean folded, Map<String, HostTensor> stateDict, float[] input) {
        InceptionNetwork net = InceptionNetwork.create(arch, 1000, folded);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            net.loadStateDict(stateDict, manager);
            try (NDManager batch = manager.newSubManager()) {
                NDList out = net.block()
                        .forward(
                                new ParameterStore(batch, false),
                                new NDList(batch.create(input, new Shape(2, 3, 299, 299))),
                                false);
                assertThat(out.singletonOrThrow().getShape()).isEqualTo(new Shape(2, 1000));
                return out.singletonOrThrow().toFloatArray();
            }
        }
    }

    private static void checkLogits(String what, float[] logits, JsonNode expected) {
        int[] top5 = ints(expected.get("top5_indices"));
        assertThat(top(logits, 5)).as(what + " top-5").containsExactly(top5);
        double worst = 0;
        for (int i = 0; i < 5; i++) {
            double e = expected.get("top5_values").get(i).doubleValue();
            worst = Math.max(worst, check(what + " top-5 value " + i, logits[top5[i]], e));
        }
        for (int i = 0; i < 10; i++) {
            double e = expected.get("first10").get(i).doubleValue();
            worst = Math.max(worst, check(what + " logit " + i, logits[i], e));
        }
        double mean = IntStream.range(0, logits.length)
                .mapToDouble(i -> logits[i])
                .average()
                .orElseThrow();
        check(what + " mean", mean, expected.get("mean").doubleValue());
        System.out.printf(Locale.ROOT, "%s: worst |logit - timm float32| = %.2g%n", what, worst);
    }

    /** timm's float32 values, printed with 6 significant digits: 1e-4 relative, at least 1e-4 absolute. */
    private static double check(String what, double actual, double expected) {
        assertThat(actual).as(what).isCloseTo(expected, within(Math.max(1e-4 * Math.abs(expected), 1e-4)));
        return Math.abs(actual - expected);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    private static int[] top(float[] v, int k) {
        return IntStream.range(0, v.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -v[i]))
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    // ---- strict loading: a checkpoint that does not fit fails naming the key ----

    /** A timm-layout Inception-v4 checkpoint of zeros, edited by {@code edit} before writing. */
    private Map<String, HostTensor> editedCheckpoint(java.util.function.Consumer<List<SafetensorsWriter.Tensor>> edit)
            throws IOException {
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (FixtureWeights.Key key : FixtureWeights.keys(FixtureWeights.referenceDir(), Architecture.INCEPTION_V4)) {
            tensors.add(
                    key.int64()
                            ? SafetensorsWriter.i64Scalar(key.name(), 0)
                            : SafetensorsWriter.f32(key.name(), key.shape(), new float[key.elements()]));
        }
        edit.accept(tensors);
        Path file = dir.resolve("edited.safetensors");
        SafetensorsWriter.write(file, tensors);
        return SafetensorsReader.read(file);
    }

    /** Both the unfused and the folded network refuse {@code stateDict} with a message containing {@code text}. */
    private static CheckpointMismatchException assertRejected(Map<String, HostTensor> stateDict, String text) {
        CheckpointMismatchException first = null;
        for (boolean folded : new boolean[] {false, true}) {
            InceptionNetwork net = InceptionNetwork.create(Architecture.INCEPTION_V4, 1000, folded);
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                Throwable thrown = catchThrowable(() -> net.loadStateDict(stateDict, manager));
                assertThat(thrown)
                        .as(folded ? "folded" : "unfused")
                        .isInstanceOf(CheckpointMismatchException.class)
                        .hasMessageContaining(text);
                first = first == null ? (CheckpointMismatchException) thrown : first;
            }
        }
        return first;
    }

    @Test
    void aMissingKeyIsNamed() throws IOException {
        String key = "features.9.branch1.1.bn.running_var";
        Map<String, HostTensor> sd = editedCheckpoint(
                t -> assertThat(t.removeIf(x -> x.name().equals(key))).isTrue());

        CheckpointMismatchException e = assertRejected(sd, key);
        assertThat(e.missingKeys()).containsExactly(key);
        assertThat(e.unexpectedKeys()).isEmpty();
        assertThat(e.shapeMismatches()).isEmpty();
    }

    @Test
    void anUnexpectedKeyIsNamed() throws IOException {
        String key = "head.fc.weight";
        Map<String, HostTensor> sd =
                editedCheckpoint(t -> t.add(SafetensorsWriter.f32(key, new long[] {2, 2}, new float[4])));

        CheckpointMismatchException e = assertRejected(sd, key);
        assertThat(e.unexpectedKeys()).containsExactly(key);
        assertThat(e.missingKeys()).isEmpty();
    }

    @Test
    void aWrongShapeIsNamed() throws IOException {
        // a 1x7 convolution stored as 7x1: the classic mix-up in InceptionB
        String[] name = new String[1];
        Map<String, HostTensor> sd = editedCheckpoint(t -> {
            for (int i = 0; i < t.size(); i++) {
                SafetensorsWriter.Tensor x = t.get(i);
                long[] s = x.shape();
                if (s.length == 4 && s[2] == 1 && s[3] == 7) {
                    t.set(i, SafetensorsWriter.f32(x.name(), new long[] {s[0], s[1], 7, 1}, x.values()));
                    name[0] = x.name();
                    return;
                }
            }
        });

        assertThat(name[0]).isNotNull();
        CheckpointMismatchException e = assertRejected(sd, name[0]);
        assertThat(e.shapeMismatches()).singleElement().asString().startsWith(name[0] + ": checkpoint [");
        assertThat(e.missingKeys()).isEmpty();
        assertThat(e.unexpectedKeys()).isEmpty();
    }
}
