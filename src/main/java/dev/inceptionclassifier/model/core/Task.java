package dev.inceptionclassifier.model.core;

import java.util.Locale;

/** What a served model answers: class scores ({@code POST /classify}) or an embedding ({@code POST /embed}). */
public enum Task {

    /** Logits over classes; the API turns them into top-k probabilities. */
    CLASSIFY,

    /** A feature vector (FaceNet's 512-d face embedding); the API returns it L2-normalised. */
    EMBED;

    /** The lower-case name used in responses and documentation: {@code classify}, {@code embed}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
