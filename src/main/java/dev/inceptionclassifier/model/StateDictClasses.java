package dev.inceptionclassifier.model;

import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import java.util.Map;

/** How many classes a state dict without a config classifies into: the rows of its classifier layer. */
final class StateDictClasses {

    private StateDictClasses() {}

    /**
     * The row count of {@code <arch.classifier()>.weight}; 0 for an embedding network saved without its classifier.
     * A checkpoint that lacks the classifier of a classification network gets {@code configured} (or 1000), so that
     * the strict key check reports every missing key at once.
     *
     * @param configured {@code classifier.models[].num-classes}, or null; it must agree with the checkpoint
     */
    static int count(Architecture arch, Map<String, HostTensor> state, Integer configured) {
        HostTensor weight = state.get(arch.classifier() + ".weight");
        if (weight == null) {
            if (arch.embeddingSize() > 0) {
                if (configured != null) {
                    throw new IllegalArgumentException("classifier.models[].num-classes is " + configured + " but the"
                            + " state dict has no classifier ('" + arch.classifier() + ".weight'): it only embeds");
                }
                return 0;
            }
            return configured != null ? configured : 1000;
        }
        if (weight.shape().length != 2 || weight.shape()[0] < 1 || weight.shape()[0] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + arch.classifier() + ".weight' has shape " + weight.shapeString()
                    + ", not [classes, features]");
        }
        int rows = (int) weight.shape()[0];
        if (configured != null && configured != rows) {
            throw new IllegalArgumentException("classifier.models[].num-classes is " + configured + " but the state "
                    + "dict's classifier '" + arch.classifier() + ".weight' has " + rows + " rows");
        }
        return rows;
    }
}
