package dev.inceptionclassifier.inference;

import java.util.List;

/**
 * Called before every batch. Production uses the no-op; tests register a bean that throws to inject faults
 * (a failing batch, a native out-of-memory) and prove they stay contained.
 */
@FunctionalInterface
public interface InferenceFaultHook {

    InferenceFaultHook NONE = (model, inputs) -> {};

    /** May throw to fail the batch. */
    void beforeBatch(String model, List<float[]> inputs) throws Exception;
}
