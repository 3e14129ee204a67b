package dev.inceptionclassifier.model;

import java.util.Arrays;
import java.util.Locale;

/** How a model's network runs ({@code classifier.inference.execution}, per model {@code classifier.models[i]}). */
public enum Execution {
    /**
     * One TorchScript program per model, emitted from the architecture's description and run by libtorch's graph
     * executor: the default.
     */
    COMPILED("compiled"),
    /**
     * The same description as DJL blocks, one operator per JNI call: the reference and debugging mode (every
     * stage's output is reachable), float32 only.
     */
    EAGER("eager"),
    /** A user's TorchScript file, run as exported (not configurable: it is what a {@code .pt} source runs as). */
    TORCHSCRIPT("torchscript");

    private final String id;

    Execution(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** {@code compiled} or {@code eager}; throws otherwise. */
    public static Execution parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(new Execution[] {COMPILED, EAGER})
                .filter(e -> e.id.equals(v))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("execution must be compiled or eager, not '" + value + "'"));
    }

    @Override
    public String toString() {
        return id;
    }
}
