package dev.inceptionclassifier.inference;

/**
 * The batch this request ran in failed. {@link #resourceExhausted()} tells a native out-of-memory (maps to 503:
 * retrying later may work) from other failures (500). The message is safe for clients; the cause is logged only.
 */
public class InferenceFailedException extends RuntimeException {

    private final boolean resourceExhausted;

    InferenceFailedException(String message, Throwable cause, boolean resourceExhausted) {
        super(message, cause);
        this.resourceExhausted = resourceExhausted;
    }

    public boolean resourceExhausted() {
        return resourceExhausted;
    }
}
