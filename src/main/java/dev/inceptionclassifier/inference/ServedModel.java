package dev.inceptionclassifier.inference;

import java.util.List;

/**
 * A served model as the HTTP layer sees it: what it is, its labels and where it runs. Plain values only: nothing of
 * the model package (DJL models, native memory) reaches a caller.
 *
 * @param info what the model is
 * @param labels label of each class index
 * @param devices where it runs, e.g. {@code cpu()}
 */
public record ServedModel(Info info, List<String> labels, List<String> devices) {

    public ServedModel {
        labels = List.copyOf(labels);
        devices = List.copyOf(devices);
    }

    public String name() {
        return info.name();
    }

    /**
     * What a served model is, as {@code GET /models} and every response report it.
     *
     * @param name the configured name clients use
     * @param architecture timm architecture name, or {@code torchscript} for TorchScript models
     * @param weights what weights are served; never contains a token
     * @param randomWeights true when the weights are seeded random ones, not a trained checkpoint
     * @param numClasses number of output classes
     * @param labels where the labels came from
     * @param preprocess the preprocessing applied to every image
     * @param bnFolded whether BatchNorm was folded into the convolutions at load time
     * @param precision what the network computes in: {@code fp32}, {@code bf16} or {@code fp16}
     * @param execution how it runs: {@code compiled}, {@code eager} or {@code torchscript}
     */
    public record Info(String name, String architecture, String weights, boolean randomWeights, int numClasses,
            String labels, Preprocessing preprocess, boolean bnFolded, String precision, String execution) {
    }

    /**
     * The preprocessing a model expects (timm's eval transform).
     *
     * @param inputSize square network input side in pixels
     * @param cropPct crop fraction ({@code crop} mode)
     * @param squash resize straight to the input size instead of resize-then-crop
     * @param mean per-channel mean (RGB)
     * @param std per-channel standard deviation (RGB)
     */
    public record Preprocessing(int inputSize, double cropPct, boolean squash, float[] mean, float[] std) {
    }
}
