package dev.inceptionclassifier.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

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
     * @param weights weights served; never contains a token
     * @param randomWeights true for untrained random weights
     * @param warning set when the predictions are meaningless
     * @param numClasses number of classes
     * @param labels where the labels come from
     * @param inputSize network input side in pixels
     * @param preprocessing the preprocessing applied to each image
     * @param batchNormFolded whether BatchNorm was folded into the convolutions at load
     * @param devices where it runs
     * @param precision what it computes in: {@code fp32}, {@code bf16} or {@code fp16}
     * @param execution how it runs: {@code compiled}, {@code eager} or {@code torchscript}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Model(String name, String architecture, String weights, boolean randomWeights, String warning,
            int numClasses, String labels, int inputSize, Preprocessing preprocessing, boolean batchNormFolded,
            List<String> devices, String precision, String execution) {
    }

    /**
     * timm's eval transform parameters.
     *
     * @param resizeMode {@code crop} or {@code squash}
     * @param resizeTo shorter side after resize ({@code crop} mode)
     * @param cropPct crop fraction
     * @param interpolation always {@code bicubic} (Pillow's, antialiased)
     * @param mean channel means
     * @param std channel standard deviations
     */
    record Preprocessing(String resizeMode, Integer resizeTo, double cropPct, String interpolation, float[] mean,
            float[] std) {
    }

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
    record Inference(String device, int workersPerDevice, int maxBatchSize, double maxBatchDelayMs, int queueCapacity,
            long requestTimeoutMs, String precision, String execution) {
    }
}
