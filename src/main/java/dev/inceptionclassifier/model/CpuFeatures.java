package dev.inceptionclassifier.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The CPU's feature flags, as Linux lists them in {@code /proc/cpuinfo}; the source is injectable so that tests can
 * pretend to be another CPU.
 */
public final class CpuFeatures {

    /** Flags that mean the CPU computes bfloat16 natively (oneDNN then runs bf16 convolutions at full speed). */
    static final Set<String> NATIVE_BF16 = Set.of("avx512_bf16", "amx_bf16");

    private final Supplier<Set<String>> flags;

    CpuFeatures(Supplier<Set<String>> flags) {
        this.flags = flags;
    }

    /** This machine's flags, from {@code /proc/cpuinfo} (none where that file is missing, e.g. on macOS). */
    public static CpuFeatures system() {
        return new CpuFeatures(() -> parse(Path.of("/proc/cpuinfo")));
    }

    Set<String> flags() {
        return flags.get();
    }

    /** Whether one of {@link #NATIVE_BF16} is present. */
    public boolean nativeBf16() {
        Set<String> f = flags();
        return NATIVE_BF16.stream().anyMatch(f::contains);
    }

    /** The union of every {@code flags} line of a cpuinfo file. */
    static Set<String> parse(Path cpuinfo) {
        Set<String> flags = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
                    flags.addAll(Arrays.asList(line.substring(colon + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        return flags;
    }
}
