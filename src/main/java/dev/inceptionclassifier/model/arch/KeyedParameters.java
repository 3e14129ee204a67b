package dev.inceptionclassifier.model.arch;

import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Filled while the blocks are derived from the description, in its order: for every DJL parameter the checkpoint key
 * it holds (or, BatchNorm folded, the folded weight's key) and the shape DJL must infer for it. DJL's own child names
 * carry index prefixes, so the mapping to the checkpoint's keys is kept here explicitly.
 */
final class KeyedParameters {

    private final boolean bnFolded;
    private final LinkedHashMap<String, Parameter> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, long[]> parameterShapes = new LinkedHashMap<>();

    KeyedParameters(boolean bnFolded) {
        this.bnFolded = bnFolded;
    }

    boolean bnFolded() {
        return bnFolded;
    }

    /** Binds a DJL parameter to its stable name and the shape DJL must infer for it. */
    void bind(String name, Parameter parameter, long... shape) {
        if (parameter == null) {
            throw new IllegalStateException("no DJL parameter for " + name);
        }
        if (parameters.putIfAbsent(name, parameter) != null) {
            throw new IllegalStateException("duplicate parameter name " + name);
        }
        parameterShapes.put(name, shape);
    }

    Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    Map<String, long[]> parameterShapes() {
        return Collections.unmodifiableMap(parameterShapes);
    }
}
