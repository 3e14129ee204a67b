package dev.inceptionclassifier.model.arch;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference of the rest of the family in {@code <reference.dir>/family} (GoogLeNet, BN-Inception, Inception-v3,
 * Inception-ResNet-v1): state-dict key lists and the public fixture's deterministic weights and inputs, built by the
 * formula of its README (section "Public fixture"; the rules are keyed on the module type, and the gain differs per
 * model).
 */
public final class FamilyReference {

    /** The four architectures of the family reference, in its README's order. */
    public static final List<Architecture> ARCHITECTURES = List.of(
            Architecture.GOOGLENET,
            Architecture.INCEPTION_V3,
            Architecture.INCEPTION_RESNET_V1,
            Architecture.BNINCEPTION);

    private FamilyReference() {}

    /** {@link #ARCHITECTURES}, for {@code @MethodSource}. */
    public static java.util.stream.Stream<Architecture> family() {
        return ARCHITECTURES.stream();
    }

    /** The family reference directory; skips the calling test with a message where it is absent. */
    public static Path dir() {
        String prop = System.getProperty("reference.dir", "../shared/reference");
        Path dir = Path.of(prop, "family");
        assumeTrue(
                Files.isRegularFile(dir.resolve("fixture_public.json")),
                "family reference not found in " + dir.toAbsolutePath() + " (system property reference.dir); skipping");
        return dir;
    }

    /** The entries of {@code <model>.keys.tsv}, or of {@code <model>.aux_keys.tsv} with {@code aux}. */
    public static List<TimmReference.KeyLine> keyLines(Architecture arch, boolean aux) {
        Path file = dir().resolve(arch.timmName() + (aux ? ".aux_keys.tsv" : ".keys.tsv"));
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> !l.isBlank())
                    .map(l -> {
                        String[] f = l.split("\t", -1);
                        long[] shape = f[1].isEmpty()
                                ? new long[0]
                                : Arrays.stream(f[1].split(","))
                                        .mapToLong(Long::parseLong)
                                        .toArray();
                        return new TimmReference.KeyLine(f[0], shape, f[2]);
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode fixture(Architecture arch) {
        return JsonMapper.builder()
                .build()
                .readTree(dir().resolve("fixture_public.json").toFile())
                .get("models")
                .get(arch.timmName());
    }

    /** The fixture's gain G on every convolution and linear weight. */
    public static double gain(Architecture arch) {
        return switch (arch) {
            case GOOGLENET -> 1.3;
            case INCEPTION_V3 -> 1.2;
            case INCEPTION_RESNET_V1 -> 1.15;
            case BNINCEPTION -> 1.4;
            default -> throw new IllegalArgumentException(arch + " is not in the family reference");
        };
    }

    /** The fixture's weights in double, without num_batches_tracked (which still uses up its k). */
    public static LinkedHashMap<String, double[]> fixtureWeights(Architecture arch) {
        return weights(keyLines(arch, false), 0, gain(arch));
    }

    /** The fixture weights rounded to float, as the float32 reference run used them. */
    public static Map<String, HostTensor> fixtureStateDict(Architecture arch) {
        return toStateDict(keyLines(arch, false), fixtureWeights(arch));
    }

    /**
     * The auxiliary heads' entries ({@code aux_keys.tsv}), with the formula's values numbered after the main keys:
     * what a torchvision checkpoint adds to the eval layout.
     */
    public static Map<String, HostTensor> auxStateDict(Architecture arch) {
        List<TimmReference.KeyLine> lines = keyLines(arch, true);
        return toStateDict(lines, weights(lines, keyLines(arch, false).size(), gain(arch)));
    }

    private static Map<String, HostTensor> toStateDict(
            List<TimmReference.KeyLine> lines, Map<String, double[]> weights) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        lines.forEach(l -> shapes.put(l.key(), l.shape()));
        LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> out.put(k, new HostTensor(shapes.get(k), TimmReference.toFloat(v))));
        return out;
    }

    private static LinkedHashMap<String, double[]> weights(List<TimmReference.KeyLine> lines, int firstK, double g) {
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        for (int j = 0; j < lines.size(); j++) {
            TimmReference.KeyLine line = lines.get(j);
            int k = firstK + j;
            if (line.isNumBatchesTracked()) {
                continue;
            }
            long n = 1;
            for (long d : line.shape()) {
                n *= d;
            }
            String key = line.key();
            String module = key.substring(0, key.lastIndexOf('.'));
            String entry = key.substring(key.lastIndexOf('.') + 1);
            boolean batchNorm = module.endsWith(".bn") || module.endsWith("_bn") || module.equals("last_bn");
            double[] v = new double[Math.toIntExact(n)];
            for (int i = 0; i < v.length; i++) {
                long m = ((long) i * 7919L) % 10007L;
                double arg = ((0.7 * i + 1.3 * k) + 0.1) + (0.001 * m);
                double base = Math.sin(arg);
                if (line.shape().length >= 2) {
                    double fanIn = (double) (n / line.shape()[0]);
                    v[i] = (base * Math.sqrt(6.0 / fanIn)) * g;
                } else if (batchNorm && entry.equals("weight")) {
                    v[i] = 1.0 + 0.1 * base;
                } else if (batchNorm && (entry.equals("bias") || entry.equals("running_mean"))) {
                    v[i] = 0.1 * base;
                } else if (batchNorm && entry.equals("running_var")) {
                    v[i] = 1.0 + 0.5 * Math.abs(base);
                } else if (entry.equals("bias")) {
                    v[i] = 0.01 * base;
                } else {
                    throw new IllegalStateException("no fixture rule for " + key);
                }
            }
            out.put(key, v);
        }
        return out;
    }

    /** The fixture input, 2x3xSxS at the architecture's native size: a flat-index sine, then a 2-D chirp. */
    public static double[] input(int size) {
        double[] x = new double[2 * 3 * size * size];
        int idx = 0;
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < size; h++) {
                for (int w = 0; w < size; w++) {
                    long f = ((long) c * size + h) * size + w;
                    x[idx++] = Math.sin(0.01 * f);
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < size; h++) {
                for (int w = 0; w < size; w++) {
                    long q = (long) h * h + 2L * w * w;
                    x[idx++] = Math.sin((0.0005 * q) + (1.9 * c));
                }
            }
        }
        return x;
    }
}
