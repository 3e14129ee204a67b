package dev.inceptionclassifier.model.arch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.nn.Parameter;

/**
 * Filled while a network's blocks are constructed, in timm's module order: the unfused timm state-dict layout, and
 * for every DJL parameter its stable name and expected shape. DJL's own child names carry index prefixes, so the
 * mapping to timm keys is kept here explicitly instead of being derived from them.
 */
final class KeyedParameters {

    private final boolean bnFolded;
    private final LinkedHashMap<String, long[]> stateDict = new LinkedHashMap<>();
    private final LinkedHashMap<String, Parameter> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, long[]> parameterShapes = new LinkedHashMap<>();
    private final List<String> foldedPrefixes = new ArrayList<>();

    KeyedParameters(boolean bnFolded) {
        this.bnFolded = bnFolded;
    }

    boolean bnFolded() {
        return bnFolded;
    }

    /** Declares an entry of the unfused timm state dict (num_batches_tracked excluded). */
    void stateEntry(String key, long... shape) {
        if (stateDict.putIfAbsent(key, shape) != null) {
            throw new IllegalStateException("duplicate state-dict key " + key);
        }
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

    /** Records a ConvNormAct whose BatchNorm is folded into {@code <prefix>.conv} at load time. */
    void foldedConv(String prefix) {
        foldedPrefixes.add(prefix);
    }

    Map<String, long[]> stateDict() {
        return Collections.unmodifiableMap(stateDict);
    }

    Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    Map<String, long[]> parameterShapes() {
        return Collections.unmodifiableMap(parameterShapes);
    }

    List<String> foldedPrefixes() {
        return Collections.unmodifiableList(foldedPrefixes);
    }
}
