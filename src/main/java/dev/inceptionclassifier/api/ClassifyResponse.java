package dev.inceptionclassifier.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer of {@code POST /classify}.
 *
 * @param model the model that answered
 * @param weights what weights it serves, e.g. {@code hf-hub:timm/inception_v4.tf_in1k@main} or {@code random(seed=42)}
 * @param randomWeights true when those are untrained random weights
 * @param warning set when the predictions are meaningless (random weights)
 * @param predictions the top-k classes, most probable first
 * @param batchSize size of the batch the image ran in
 * @param timings where the time went
 * @param precision what the network computed in: {@code fp32}, {@code bf16} or {@code fp16}
 * @param execution how it ran: {@code compiled}, {@code eager} or {@code torchscript}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ClassifyResponse(
        String model,
        String weights,
        boolean randomWeights,
        String warning,
        List<Prediction> predictions,
        int batchSize,
        Timings timings,
        String precision,
        String execution) {

    /**
     * One class.
     *
     * @param index class index
     * @param label its label
     * @param probability softmax probability over all classes
     */
    record Prediction(int index, String label, double probability) {}

    /**
     * Milliseconds spent in each stage.
     *
     * @param decodeMs decoding the upload
     * @param preprocessMs resize, crop, normalise
     * @param queueMs waiting for a batch
     * @param inferenceMs the batch through the model
     * @param totalMs from the start of decoding to the response
     */
    record Timings(double decodeMs, double preprocessMs, double queueMs, double inferenceMs, double totalMs) {}
}
