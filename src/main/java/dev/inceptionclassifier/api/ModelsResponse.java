package dev.inceptionclassifier.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer of {@code GET /models}.
 *
 * @param defaultModel the model used when a request names none
 * @param models every served model
 * @param inference the batching settings
 */
record ModelsResponse(String defaultModel, List<Model> models, Inference inference) {

    /**
     * One served model.
     *
     * @param name name for {@code ?model=}
     * @param architecture timm architecture, or {@code torchscript}
     * @param task what it serves: {@code ["classify"]}, {@code ["embed"]}, or both
     * @param weights weights served; never contains a token
     * @param randomWeights true for untrained random weights
     * @param warning set when the predictions are meaningless
     * @param numClasses number of classes; 0 for a model that only embeds
     * @param labels where the labels come from
     * @param inputSize network input side in pixels
     * @param preprocessing the preprocessing applied to each image
     * @param batchNormFolded whether BatchNorm was folded into the convolutions at load
     * @param devices where it runs
     * @param precision what it computes in: {@code fp32}, {@code bf16} or {@code fp16}
     * @param execution how it runs: {@code compiled}, {@code eager} or {@code torchscript}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Model(
            String name,
            String architecture,
            List<String> task,
            String weights,
            boolean randomWeights,
            String warning,
            int numClasses,
            String labels,
            int inputSize,
            Preprocessing preprocessing,
            boolean batchNormFolded,
            List<String> devices,
            String precision,
            String execution) {}

    /**
     * The eval transform applied to each image, after the configured overrides.
     *
     * @param preset the published transform it starts from: {@code timm}, {@code torchvision}, {@code cadene} or
     *     {@code facenet}
     * @param source where the checkpoint's side of it comes from: {@code config.json} or {@code architecture default}
     * @param resizeMode {@code crop} or {@code squash}
     * @param resizeTo shorter side after resize ({@code crop} mode)
     * @param cropPct crop fraction
     * @param interpolation {@code bicubic} or {@code bilinear} (Pillow's, antialiased)
     * @param channelOrder {@code RGB} or {@code BGR}: order of the planes fed to the network
     * @param valueRange 1 when pixels are scaled to [0, 1] before mean and std, 255 when they stay in [0, 255]
     * @param mean channel means, in channel order and value range
     * @param std channel standard deviations
     */
    record Preprocessing(
            String preset,
            String source,
            String resizeMode,
            Integer resizeTo,
            double cropPct,
            String interpolation,
            String channelOrder,
            int valueRange,
            float[] mean,
            float[] std) {}

    /**
     * Batching settings.
     *
     * @param device configured device setting
     * @param workersPerDevice workers per model and device
     * @param maxBatchSize largest batch
     * @param maxBatchDelayMs longest wait for a batch to fill
     * @param queueCapacity queued requests per model before rejection
     * @param requestTimeoutMs default and longest request deadline
     * @param precision the default precision (each model says what it runs in)
     * @param execution the default execution (each model says how it runs)
     */
    record Inference(
            String device,
            int workersPerDevice,
            int maxBatchSize,
            double maxBatchDelayMs,
            int queueCapacity,
            long requestTimeoutMs,
            String precision,
            String execution) {}
}
