package dev.inceptionclassifier.model.arch;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The timm reference in {@code /work/shared/reference} (system property {@code reference.dir}): the state-dict key
 * lists, and the public fixture's deterministic weights and inputs, built by the formula in its README.
 */
public final class TimmReference {

    /** One line of a keys.tsv: key and shape ({@code null} shape for the int64 num_batches_tracked). */
    public record KeyLine(String key, long[] shape, String dtype) {

        public boolean isNumBatchesTracked() {
            return key.endsWith(".num_batches_tracked");
        }
    }

    private TimmReference() {}

    /** The reference directory; skips the calling test with a message where it is absent. */
    public static Path dir() {
        String prop = System.getProperty("reference.dir");
        assumeTrue(
                prop != null && Files.isDirectory(Path.of(prop)),
                "timm reference not found (system property reference.dir=" + prop + "); skipping");
        return Path.of(prop);
    }

    public static List<KeyLine> keyLines(Architecture arch) {
        try {
            return Files.readAllLines(dir().resolve(arch.timmName() + ".keys.tsv")).stream()
                    .filter(l -> !l.isBlank())
                    .map(l -> {
                        String[] f = l.split("\t", -1);
                        long[] shape = f[1].isEmpty()
                                ? new long[0]
                                : java.util.Arrays.stream(f[1].split(","))
                                        .mapToLong(Long::parseLong)
                                        .toArray();
                        return new KeyLine(f[0], shape, f[2]);
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode fixture() {
        return JsonMapper.builder()
                .build()
                .readTree(dir().resolve("fixture_public.json").toFile());
    }

    public static JsonNode fixture(Architecture arch) {
        return fixture().get("models").get(arch.timmName());
    }

    public static double gain(Architecture arch) {
        return arch == Architecture.INCEPTION_V4 ? 1.3 : 1.4;
    }

    /**
     * The fixture's weights in double, in state_dict order without num_batches_tracked (which still uses up its k).
     */
    public static LinkedHashMap<String, double[]> fixtureWeights(Architecture arch) {
        return fixtureWeights(arch, gain(arch));
    }

    /** The fixture's formula with another gain {@code g} for the convolution and linear weights. */
    public static LinkedHashMap<String, double[]> fixtureWeights(Architecture arch, double g) {
        List<KeyLine> lines = keyLines(arch);
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        for (int k = 0; k < lines.size(); k++) {
            KeyLine line = lines.get(k);
            if (line.isNumBatchesTracked()) {
                continue;
            }
            long n = 1;
            for (long d : line.shape()) {
                n *= d;
            }
            double[] v = new double[Math.toIntExact(n)];
            String key = line.key();
            for (int i = 0; i < v.length; i++) {
                long m = ((long) i * 7919L) % 10007L;
                double arg = ((0.7 * i + 1.3 * k) + 0.1) + (0.001 * m);
                double base = Math.sin(arg);
                if (line.shape().length >= 2) {
                    double fanIn = (double) (n / line.shape()[0]);
                    v[i] = (base * Math.sqrt(6.0 / fanIn)) * g;
                } else if (key.endsWith(".bn.weight")) {
                    v[i] = 1.0 + 0.1 * base;
                } else if (key.endsWith(".bn.bias") || key.endsWith(".bn.running_mean")) {
                    v[i] = 0.1 * base;
                } else if (key.endsWith(".bn.running_var")) {
                    v[i] = 1.0 + 0.5 * Math.abs(base);
                } else if (key.endsWith(".bias")) {
                    v[i] = 0.01 * base;
                } else {
                    throw new IllegalStateException("no fixture rule for " + key);
                }
            }
            out.put(key, v);
        }
        return out;
    }

    /** The fixture weights rounded to float, as the float32 reference run used them. */
    public static Map<String, HostTensor> fixtureStateDict(Architecture arch) {
        return fixtureStateDict(arch, gain(arch));
    }

    /** {@link #fixtureWeights(Architecture, double)} rounded to float. */
    public static Map<String, HostTensor> fixtureStateDict(Architecture arch, double gain) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        keyLines(arch).forEach(l -> shapes.put(l.key(), l.shape()));
        LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
        fixtureWeights(arch, gain).forEach((k, v) -> out.put(k, new HostTensor(shapes.get(k), toFloat(v))));
        return out;
    }

    /** The fixture input, 2x3x299x299: image 0 a flat-index sine, image 1 a 2-D chirp. */
    public static double[] fixtureInput() {
        int hw = 299;
        double[] x = new double[2 * 3 * hw * hw];
        int idx = 0;
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < hw; h++) {
                for (int w = 0; w < hw; w++) {
                    long f = ((long) c * hw + h) * hw + w;
                    x[idx++] = Math.sin(0.01 * f);
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < hw; h++) {
                for (int w = 0; w < hw; w++) {
                    long q = (long) h * h + 2L * w * w;
                    x[idx++] = Math.sin((0.0005 * q) + (1.9 * c));
                }
            }
        }
        return x;
    }

    public static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    public static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asDouble();
        }
        return d;
    }

    public static int[] ints(JsonNode array) {
        int[] d = new int[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asInt();
        }
        return d;
    }
}
