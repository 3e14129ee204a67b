package dev.inceptionclassifier.model.arch;

import dev.inceptionclassifier.model.core.HostTensor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Seeded random weights: one {@link SplittableRandom} per key, seeded from the seed and the key's name, so each
 * tensor depends only on (seed, key) and the result is the same in any order, on any engine and any JVM. Convolution
 * and linear weights are He-normal (std sqrt(2 / fan_in)); BatchNorm is the identity (weight 1, bias 0, mean 0,
 * var 1); biases are 0. Normal samples use the polar method with StrictMath so that they are bit-reproducible.
 */
final class SeededWeights {

    private SeededWeights() {}

    static Map<String, HostTensor> generate(Map<String, long[]> stateDict, long seed) {
        List<String> keys = List.copyOf(stateDict.keySet());
        // a BatchNorm is whatever has a running_var, whatever its module is called (bn, last_bn, conv1_7x7_s2_bn)
        Set<String> batchNorms = keys.stream()
                .filter(k -> k.endsWith(RUNNING_VAR))
                .map(k -> k.substring(0, k.length() - RUNNING_VAR.length()))
                .collect(Collectors.toSet());
        Map<String, HostTensor> generated = new ConcurrentHashMap<>();
        // tensors are independent, so generating them in parallel cannot change any value
        keys.parallelStream()
                .forEach(k -> generated.put(
                        k,
                        tensor(
                                k,
                                stateDict.get(k).clone(),
                                seed,
                                batchNorms.contains(k.substring(0, k.lastIndexOf('.') + 1)))));
        LinkedHashMap<String, HostTensor> ordered = new LinkedHashMap<>();
        for (String k : keys) {
            ordered.put(k, generated.get(k));
        }
        return ordered;
    }

    private static final String RUNNING_VAR = "running_var";

    private static HostTensor tensor(String key, long[] shape, long seed, boolean batchNorm) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[Math.toIntExact(n)];
        if (batchNorm && (key.endsWith(".weight") || key.endsWith("." + RUNNING_VAR))) {
            Arrays.fill(data, 1f);
        } else if (shape.length >= 2) {
            double std = Math.sqrt(2.0 / (n / shape[0]));
            SplittableRandom random = new SplittableRandom(mix(seed, key));
            for (int i = 0; i < data.length; i += 2) {
                double u;
                double v;
                double s;
                do {
                    u = 2 * random.nextDouble() - 1;
                    v = 2 * random.nextDouble() - 1;
                    s = u * u + v * v;
                } while (s >= 1 || s == 0);
                double f = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
                data[i] = (float) (u * f * std);
                if (i + 1 < data.length) {
                    data[i + 1] = (float) (v * f * std);
                }
            }
        }
        // everything else (BN bias and running mean, conv and classifier biases) stays 0
        return new HostTensor(shape, data);
    }

    /** A 64-bit seed from the user's seed and the key (FNV-1a over UTF-8, then a SplitMix64 finaliser). */
    static long mix(long seed, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        long z = seed * 0x9e3779b97f4a7c15L + h;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
