package dev.inceptionclassifier.model;

import dev.inceptionclassifier.image.PreprocessSpec;

/**
 * What a served model is, as {@code GET /models} and every response report it.
 *
 * @param name the configured name clients use
 * @param architecture timm architecture name, or {@code torchscript} for TorchScript models
 * @param weights what weights are served, e.g. {@code hf-hub:timm/inception_v4.tf_in1k@main} or
 *     {@code random(seed=42)}; never contains a token
 * @param randomWeights true when the weights are seeded random ones, not a trained checkpoint
 * @param numClasses number of output classes
 * @param labels where the labels came from, e.g. {@code imagenet-1k}, a file name, or {@code class_<index>}
 * @param preprocess the preprocessing applied to every image
 * @param bnFolded whether BatchNorm was folded into the convolutions at load time
 * @param precision what the network computes in: {@code fp32}, {@code bf16} or {@code fp16}
 * @param execution how it runs: {@code compiled}, {@code eager} or {@code torchscript} (a user's file)
 */
public record ModelInfo(String name, String architecture, String weights, boolean randomWeights, int numClasses,
        String labels, PreprocessSpec preprocess, boolean bnFolded, String precision, String execution) {
}
