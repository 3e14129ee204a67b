package dev.inceptionclassifier.bench;

import dev.inceptionclassifier.model.checkpoint.PthReader;
import dev.inceptionclassifier.model.checkpoint.SafetensorsReader;
import dev.inceptionclassifier.model.core.HostTensor;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Time and memory of reading one checkpoint into {@link HostTensor}s, in this (fresh) JVM: the first read (cold JIT,
 * as at service start), then the median of further reads, the heap the result retains, and the process's peak RSS.
 * One line of {@code key=value} figures on stdout. Run through {@code bench/run-pth-loading.sh}.
 */
public final class PthLoadBenchmark {

    private PthLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: PthLoadBenchmark pth|safetensors FILE REPEATS");
            System.exit(2);
        }
        String reader = args[0];
        Path file = Path.of(args[1]);
        int repeats = Integer.parseInt(args[2]);
        long before = usedHeapAfterGc();
        long[] nanos = new long[repeats];
        Map<String, HostTensor> tensors = null;
        for (int i = 0; i < repeats; i++) {
            tensors = null; // let the previous result go before the next read, as a service loads once
            long t0 = System.nanoTime();
            tensors = read(reader, file);
            nanos[i] = System.nanoTime() - t0;
        }
        long retained = usedHeapAfterGc() - before;
        long floats = tensors.values().stream().mapToLong(t -> t.data().length).sum();
        long[] rest = Arrays.copyOfRange(nanos, 1, repeats);
        Arrays.sort(rest);
        System.out.printf(
                Locale.ROOT,
                "reader=%s file=%s file_mib=%.1f tensors=%d floats=%d first_ms=%.0f"
                        + " median_ms=%s retained_heap_mib=%.1f peak_rss_mib=%.0f max_heap_mib=%d%n",
                reader,
                file.getFileName(),
                Files.size(file) / 1048576.0,
                tensors.size(),
                floats,
                nanos[0] / 1e6,
                rest.length == 0 ? "-" : String.format(Locale.ROOT, "%.0f", rest[rest.length / 2] / 1e6),
                retained / 1048576.0,
                peakRssKib() / 1024.0,
                Runtime.getRuntime().maxMemory() / 1048576);
    }

    private static Map<String, HostTensor> read(String reader, Path file) throws Exception {
        return switch (reader) {
            case "pth" -> PthReader.read(file);
            case "safetensors" -> SafetensorsReader.read(file);
            default -> throw new IllegalArgumentException("reader " + reader);
        };
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmHWM of /proc/self/status: the peak resident set, in KiB (-1 where there is no /proc). */
    private static long peakRssKib() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
