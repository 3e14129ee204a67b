package dev.inceptionclassifier.inference;

import java.util.List;

/**
 * Runs one batch. Each worker owns one instance for its whole life (a DJL Predictor is not thread-safe), so an
 * implementation need not be thread-safe.
 *
 * @param <I> one item's input
 * @param <O> one item's output
 */
interface BatchProcessor<I, O> extends AutoCloseable {

    /** Outputs in input order; {@code outputs.size() == inputs.size()}. */
    List<O> process(List<I> inputs) throws Exception;

    /** Where the batch runs, for metrics ({@code cpu()}, {@code gpu(0)}). */
    String device();

    @Override
    default void close() {}
}
