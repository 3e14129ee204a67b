package dev.inceptionclassifier.model;

/**
 * One served model, as {@code config} builds it from {@code classifier.models[i]} (the properties' javadoc says what
 * each value means and allows).
 *
 * @param name the name clients use
 * @param architecture timm architecture name, or null to take it from the checkpoint
 * @param source where the weights come from, or null for the architecture's default hub repository
 * @param labels labels file, URL or alias, or null
 * @param seed seed of random weights
 * @param numClasses classes of random weights and TorchScript models, or null
 * @param inputSize the network input size ({@code preprocess.input-size}), or null for the checkpoint's
 * @param foldBatchNorm fold BatchNorm into the convolutions (eager execution)
 * @param sha256 pinned digests
 * @param allowUnpinnedTorchscript load a TorchScript file without a pin
 * @param precision this model's precision, or null for the default
 * @param execution this model's execution, or null for the default
 */
public record ModelSettings(
        String name,
        String architecture,
        String source,
        String labels,
        long seed,
        Integer numClasses,
        Integer inputSize,
        boolean foldBatchNorm,
        Sha256 sha256,
        boolean allowUnpinnedTorchscript,
        String precision,
        String execution) {

    /**
     * Pinned sha256 digests, or null where not pinned.
     *
     * @param weights the weights file
     * @param config {@code config.json}
     */
    public record Sha256(String weights, String config) {}
}
