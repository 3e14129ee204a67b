package dev.inceptionclassifier.model.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How a checkpoint's keys and shapes differ from a description's, like {@code load_state_dict(strict=True)}: keys
 * ending in {@code .num_batches_tracked} are never missing nor unexpected, and the weights of the description's
 * auxiliary layers ({@link NetworkGraph#auxiliary()}) are accepted when their shapes match, and never required.
 *
 * @param missing keys the network needs that the checkpoint lacks, in state-dict order
 * @param unexpected keys of the checkpoint the network does not have, sorted
 * @param mismatched one entry per key on both sides with different shapes: {@code key: checkpoint [..], model [..]}
 */
public record KeyCheck(List<String> missing, List<String> unexpected, List<String> mismatched) {

    public KeyCheck {
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
    }

    /** Compares {@code checkpoint} (key to shape) with {@code graph}'s {@link NetworkGraph#stateDictShapes()}. */
    public static KeyCheck compare(NetworkGraph graph, Map<String, long[]> checkpoint) {
        Map<String, long[]> expected = graph.stateDictShapes();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            long[] shape = checkpoint.get(e.getKey());
            if (shape == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(shape, e.getValue())) {
                mismatched.add(e.getKey() + ": checkpoint " + Arrays.toString(shape) + ", model "
                        + Arrays.toString(e.getValue()));
            }
        }
        Map<String, long[]> auxiliary = graph.auxiliaryShapes();
        for (Map.Entry<String, long[]> e : auxiliary.entrySet()) {
            long[] shape = checkpoint.get(e.getKey());
            if (shape != null && !Arrays.equals(shape, e.getValue())) {
                mismatched.add(e.getKey() + ": checkpoint " + Arrays.toString(shape) + ", model (auxiliary, ignored) "
                        + Arrays.toString(e.getValue()));
            }
        }
        List<String> unexpected = checkpoint.keySet().stream()
                .filter(k ->
                        !k.endsWith(".num_batches_tracked") && !expected.containsKey(k) && !auxiliary.containsKey(k))
                .sorted()
                .toList();
        return new KeyCheck(missing, unexpected, mismatched);
    }

    public boolean matches() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }
}
