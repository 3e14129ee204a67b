/**
 * The dynamic batcher and worker pool: bounded queues, batch delay, deadlines, failure isolation and drain, one DJL
 * Predictor per worker. The only package that calls {@code Predictor.batchPredict}.
 */
package dev.inceptionclassifier.inference;
