package dev.inceptionclassifier.model;

import java.nio.file.Path;

/**
 * DJL PyTorch engine settings ({@code classifier.engine.*}), applied as system properties before the engine loads.
 *
 * @param numThreads intra-op threads per inference, or null for cores / CPU workers
 * @param numInteropThreads inter-op threads, or null for 1
 * @param graphOptimizer PyTorch JIT graph optimizer
 * @param offline never let DJL download native libraries
 * @param cacheDir DJL cache folder for extracted native libraries, or null
 */
public record EngineSettings(
        Integer numThreads, Integer numInteropThreads, boolean graphOptimizer, boolean offline, Path cacheDir) {}
