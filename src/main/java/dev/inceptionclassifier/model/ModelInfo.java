package dev.inceptionclassifier.model;

import dev.inceptionclassifier.model.core.InputPreprocessing;
import dev.inceptionclassifier.model.core.Task;
import java.util.List;

/**
 * What a served model is, as {@code GET /models} and every response report it.
 *
 * @param name the configured name clients use
 * @param architecture timm architecture name, or {@code torchscript} for TorchScript models
 * @param weights what weights are served, e.g. {@code hf-hub:timm/inception_v4.tf_in1k@main} or
 *     {@code random(seed=42)}; never contains a token
 * @param randomWeights true when the weights are seeded random ones, not a trained checkpoint
 * @param numClasses number of output classes; 0 for a model that only embeds
 * @param labels where the labels came from, e.g. {@code imagenet-1k}, a file name, or {@code class_<index>}
 * @param preprocess what the checkpoint (or the architecture) says about preprocessing, before the user's overrides
 *     other than the input size
 * @param bnFolded whether BatchNorm was folded into the convolutions at load time
 * @param precision what the network computes in: {@code fp32}, {@code bf16} or {@code fp16}
 * @param execution how it runs: {@code compiled}, {@code eager} or {@code torchscript} (a user's file)
 * @param tasks what it serves, in this order: {@link Task#CLASSIFY}, {@link Task#EMBED}, or both
 */
public record ModelInfo(
        String name,
        String architecture,
        String weights,
        boolean randomWeights,
        int numClasses,
        String labels,
        InputPreprocessing preprocess,
        boolean bnFolded,
        String precision,
        String execution,
        List<Task> tasks) {

    public ModelInfo {
        tasks = List.copyOf(tasks);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("model " + name + " serves no task");
        }
        if (tasks.contains(Task.CLASSIFY) != numClasses > 0) {
            throw new IllegalArgumentException("model " + name + ": a classifier needs classes, got " + numClasses);
        }
    }

    /** Whether it serves {@code task}. */
    public boolean serves(Task task) {
        return tasks.contains(task);
    }
}
