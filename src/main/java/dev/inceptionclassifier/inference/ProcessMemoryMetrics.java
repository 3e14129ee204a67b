package dev.inceptionclassifier.inference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/**
 * {@code classifier.process.resident.memory}: the process RSS from {@code /proc/self/statm}. The model weights and
 * libtorch live outside the Java heap, so heap metrics alone hide native growth; this is what the soak test and the
 * dashboard watch. NaN where /proc is absent.
 */
@Component
class ProcessMemoryMetrics implements MeterBinder {

    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE_SIZE = 4096;

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("classifier.process.resident.memory", ProcessMemoryMetrics::residentBytes)
                .description("Resident set size of the process (heap, native model memory and libtorch)")
                .baseUnit("bytes")
                .register(registry);
    }

    /** Resident bytes, or NaN where /proc/self/statm cannot be read. */
    static double residentBytes() {
        try {
            String[] fields = Files.readString(STATM).trim().split("\\s+");
            return Long.parseLong(fields[1]) * PAGE_SIZE;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
