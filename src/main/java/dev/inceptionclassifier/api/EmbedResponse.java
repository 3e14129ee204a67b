package dev.inceptionclassifier.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer of {@code POST /embed}.
 *
 * @param model the model that answered
 * @param weights what weights it serves
 * @param randomWeights true when those are untrained random weights
 * @param warning set when the embedding is meaningless (random weights)
 * @param embedding the network's embedding, L2-normalised (512 values for Inception-ResNet-v1)
 * @param batchSize size of the batch the image ran in
 * @param timings where the time went
 * @param precision what the network computed in: {@code fp32}, {@code bf16} or {@code fp16}
 * @param execution how it ran: {@code compiled}, {@code eager} or {@code torchscript}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record EmbedResponse(
        String model,
        String weights,
        boolean randomWeights,
        String warning,
        float[] embedding,
        int batchSize,
        ClassifyResponse.Timings timings,
        String precision,
        String execution) {}
