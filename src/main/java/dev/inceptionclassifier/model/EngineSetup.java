package dev.inceptionclassifier.model;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code classifier.engine.*} as the system properties DJL reads, then loads the PyTorch engine. DJL reads
 * them once, when the engine first loads, so they are applied before the application context exists
 * ({@code config.EngineEnvironmentPostProcessor}); the engine (and so the extraction of the native library) loads at
 * start-up, never on the first request.
 */
public final class EngineSetup {

    private static final Logger log = LoggerFactory.getLogger(EngineSetup.class);

    private EngineSetup() {}

    /** The system properties for the given settings; {@code cpuWorkers} is the number of CPU workers in total. */
    static Map<String, String> systemProperties(EngineSettings engine, int cpuWorkers, int cores) {
        Map<String, String> p = new LinkedHashMap<>();
        int threads = engine.numThreads() != null ? engine.numThreads() : Math.max(1, cores / Math.max(1, cpuWorkers));
        p.put("ai.djl.pytorch.num_threads", Integer.toString(threads));
        p.put(
                "ai.djl.pytorch.num_interop_threads",
                Integer.toString(engine.numInteropThreads() != null ? engine.numInteropThreads() : 1));
        p.put("ai.djl.pytorch.graph_optimizer", Boolean.toString(engine.graphOptimizer()));
        p.put("ai.djl.offline", Boolean.toString(engine.offline()));
        if (engine.cacheDir() != null) {
            Path dir = engine.cacheDir().toAbsolutePath();
            p.put("DJL_CACHE_DIR", dir.toString());
            p.put("ENGINE_CACHE_DIR", dir.toString());
        }
        return p;
    }

    /**
     * Sets the system properties DJL reads for these settings. Touches no DJL class: it runs before the engine loads
     * (from {@code config}'s environment post-processor, before the application context exists).
     *
     * @param cpuWorkers the number of CPU workers in total
     */
    public static Map<String, String> apply(EngineSettings engine, int cpuWorkers) {
        Map<String, String> props =
                systemProperties(engine, cpuWorkers, Runtime.getRuntime().availableProcessors());
        props.forEach(System::setProperty);
        return props;
    }

    /** Loads the PyTorch engine with the system properties {@link #apply} set. */
    public static Engine start() {
        Engine pytorch = Engine.getEngine("PyTorch");
        log.info(
                "DJL {} engine {} loaded ({}), GPUs visible: {}, threads {} intra-op / {} inter-op",
                Engine.getDjlVersion(),
                pytorch.getEngineName(),
                pytorch.getVersion(),
                pytorch.getGpuCount(),
                System.getProperty("ai.djl.pytorch.num_threads"),
                System.getProperty("ai.djl.pytorch.num_interop_threads"));
        return pytorch;
    }
}
