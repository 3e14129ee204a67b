package dev.inceptionclassifier.model.checkpoint;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inceptionclassifier.model.core.Architecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The deterministic weights and inputs of the timm reference's public fixture ({@code fixture_public.json}; formula
 * in the reference README, section "Public fixture"), generated in Java, in timm's key names and state_dict order.
 */
final class FixtureWeights {

    /** Side of the fixture images. */
    static final int SIZE = 299;

    private FixtureWeights() {}

    /**
     * One state_dict entry from {@code <arch>.keys.tsv}.
     *
     * @param k position in state_dict order, counting the int64 {@code num_batches_tracked} entries
     */
    record Key(int k, String name, long[] shape, boolean int64) {

        int elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }
    }

    /** The reference directory (system property {@code reference.dir}); skips the test where it is absent. */
    static Path referenceDir() {
        Path dir = Path.of(System.getProperty("reference.dir", "../shared/reference"));
        assumeTrue(
                Files.isRegularFile(dir.resolve("fixture_public.json")),
                "timm reference fixture not found in " + dir.toAbsolutePath() + " (set -Dreference.dir); skipping");
        return dir;
    }

    static JsonNode fixture(Path referenceDir) throws IOException {
        return JsonMapper.builder()
                .build()
                .readTree(referenceDir.resolve("fixture_public.json").toFile());
    }

    static double gain(Architecture architecture) {
        return architecture == Architecture.INCEPTION_V4 ? 1.3 : 1.4;
    }

    static List<Key> keys(Path referenceDir, Architecture architecture) throws IOException {
        List<String> lines = Files.readAllLines(referenceDir.resolve(architecture.timmName() + ".keys.tsv"));
        List<Key> keys = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            long[] shape = f[1].isEmpty()
                    ? new long[0]
                    : Arrays.stream(f[1].split(",")).mapToLong(Long::parseLong).toArray();
            keys.add(new Key(keys.size(), f[0], shape, f[2].equals("int64")));
        }
        return keys;
    }

    /** Value {@code i} of entry {@code key} in float64, exactly as the reference generator computes it. */
    static double value(Key key, long i, double gain) {
        long m = (i * 7919L) % 10007L;
        double arg = 0.7 * i + 1.3 * key.k() + 0.1 + 0.001 * m;
        double base = Math.sin(arg);
        String name = key.name();
        if (name.endsWith(".bn.weight")) {
            return 1.0 + 0.1 * base;
        }
        if (name.endsWith(".bn.bias") || name.endsWith(".bn.running_mean")) {
            return 0.1 * base;
        }
        if (name.endsWith(".bn.running_var")) {
            return 1.0 + 0.5 * Math.abs(base);
        }
        if (name.endsWith(".bias")) {
            return 0.01 * base;
        }
        if (name.endsWith(".weight") && (key.shape().length == 4 || key.shape().length == 2)) {
            long fanIn = key.elements() / key.shape()[0];
            return base * Math.sqrt(6.0 / fanIn) * gain;
        }
        throw new IllegalArgumentException("no fixture formula for " + name);
    }

    /** The float32 values of a float entry. */
    static float[] values(Key key, double gain) {
        float[] v = new float[key.elements()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) value(key, i, gain);
        }
        return v;
    }

    /** The checkpoint as timm's save_file writes it: float tensors as {@code dtype}, counters as I64 zeros. */
    static List<SafetensorsWriter.Tensor> checkpoint(List<Key> keys, double gain, SafetensorsReader.Dtype dtype) {
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>(keys.size());
        for (Key key : keys) {
            if (key.int64()) {
                tensors.add(SafetensorsWriter.i64Scalar(key.name(), 0));
            } else {
                tensors.add(
                        new SafetensorsWriter.Tensor(key.name(), dtype, key.shape(), values(key, gain), null, null));
            }
        }
        return tensors;
    }

    /** The two fixture images, NCHW 2x3x299x299, float32. */
    static float[] inputs() {
        float[] x = new float[2 * 3 * SIZE * SIZE];
        int plane = SIZE * SIZE;
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < SIZE; h++) {
                for (int w = 0; w < SIZE; w++) {
                    int f = (c * SIZE + h) * SIZE + w;
                    x[f] = (float) Math.sin(0.01 * f);
                    long q = (long) h * h + 2L * w * w;
                    x[3 * plane + f] = (float) Math.sin(0.0005 * q + 1.9 * c);
                }
            }
        }
        return x;
    }
}
