package dev.inceptionclassifier.inference;

/**
 * One request's output with where its time went.
 *
 * @param output the model output (logits for the classifier)
 * @param queueNanos time from submission until its batch started
 * @param inferenceNanos time its batch took
 * @param batchSize size of the batch it ran in
 * @param device where the batch ran
 * @param <O> the output type
 */
public record InferenceResult<O>(O output, long queueNanos, long inferenceNanos, int batchSize, String device) {}
