package dev.inceptionclassifier.model.graph;

import java.util.List;

/**
 * An eval-mode BatchNorm (2d after a convolution, 1d after a linear layer):
 * {@code y = (x - running_mean) / sqrt(running_var + eps) * weight + bias}. Its checkpoint entries are
 * {@code <name>.weight}, {@code .bias}, {@code .running_mean}, {@code .running_var} (and an ignored
 * {@code .num_batches_tracked}).
 *
 * @param name module path, e.g. {@code features.0.bn}
 * @param eps the epsilon (timm's Inception nets use 1e-3, PyTorch's default is 1e-5)
 */
public record BatchNorm(String name, double eps) {

    /** The four float entries, in state-dict order. */
    static final List<String> ENTRIES = List.of("weight", "bias", "running_mean", "running_var");

    public BatchNorm {
        Node.checkName(name);
        if (!(eps > 0)) {
            throw new IllegalArgumentException("BatchNorm " + name + ": eps must be positive, got " + eps);
        }
    }

    /** {@code <name>.<entry>} for an entry of {@link #ENTRIES}. */
    String key(String entry) {
        return name + "." + entry;
    }
}
