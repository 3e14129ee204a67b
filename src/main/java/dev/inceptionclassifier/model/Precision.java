package dev.inceptionclassifier.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * The number format a model computes in ({@code classifier.inference.precision}, per model
 * {@code classifier.models[i].precision}). Inputs and outputs are float32 in every case: the compiled program casts
 * inside the graph, so clients, the translator and the batcher never see another type.
 */
public enum Precision {
    /** float32 throughout; the default, and the only precision of the eager execution. */
    FP32("fp32"),
    /** bfloat16 weights and activations in channels-last layout, on CPUs with native bf16 (AVX512-BF16 or AMX). */
    BF16("bf16"),
    /** float16 weights and activations in channels-last layout, on GPUs only. */
    FP16("fp16");

    private final String id;

    Precision(String id) {
        this.id = id;
    }

    /** The configuration value, e.g. {@code bf16}. */
    public String id() {
        return id;
    }

    /** The precision for a configuration value; throws listing the known ones otherwise. */
    public static Precision parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(p -> p.id.equals(v))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("precision must be one of "
                        + Arrays.stream(values()).map(Precision::id).toList() + ", not '" + value + "'"));
    }

    @Override
    public String toString() {
        return id;
    }
}
