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

    /** Whether it serves {@code task} ({@code classify} or {@code embed}). */
    public boolean serves(String task) {
        return info.tasks().contains(task);
    }

    /**
     * What a served model is, as {@code GET /models} and every response report it.
     *
     * @param name the configured name clients use
     * @param architecture timm architecture name, or {@code torchscript} for TorchScript models
     * @param weights what weights are served; never contains a token
     * @param randomWeights true when the weights are seeded random ones, not a trained checkpoint
     * @param numClasses number of output classes; 0 for a model that only embeds
     * @param labels where the labels came from
     * @param preprocess what the weights say about preprocessing (the API applies the user's overrides)
     * @param bnFolded whether BatchNorm was folded into the convolutions at load time
     * @param precision what the network computes in: {@code fp32}, {@code bf16} or {@code fp16}
     * @param execution how it runs: {@code compiled}, {@code eager} or {@code torchscript}
     * @param tasks what it serves: {@code classify}, {@code embed}, or both in that order
     */
    public record Info(
            String name,
            String architecture,
            String weights,
            boolean randomWeights,
            int numClasses,
            String labels,
            Preprocessing preprocess,
            boolean bnFolded,
            String precision,
            String execution,
            List<String> tasks) {

        public Info {
            tasks = List.copyOf(tasks);
        }
    }

    /**
     * What the weights say about preprocessing: a published preset refined by the values a timm
     * {@code config.json} states (null where the preset's apply).
     *
     * @param preset {@code timm}, {@code torchvision}, {@code cadene} or {@code facenet}
     * @param inputSize square network input side in pixels (the network is fed this size)
     * @param cropPct crop fraction, or null
     * @param squash resize straight to the input size, or null
     * @param interpolation {@code bicubic} or {@code bilinear}, or null
     * @param mean per-channel mean (RGB), or null
     * @param std per-channel standard deviation (RGB), or null
     * @param source where the values come from, e.g. {@code config.json}
     */
    public record Preprocessing(
            String preset,
            int inputSize,
            Double cropPct,
            Boolean squash,
            String interpolation,
            float[] mean,
            float[] std,
            String source) {}
}
