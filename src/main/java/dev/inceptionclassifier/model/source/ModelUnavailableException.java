package dev.inceptionclassifier.model.source;

/**
 * A model source could not be fetched (no network, offline with an empty cache, HTTP error, failed verification).
 * Unlike a broken checkpoint, this is the case where {@code classifier.fallback-to-random} may apply.
 */
public class ModelUnavailableException extends RuntimeException {

    ModelUnavailableException(String message) {
        super(message);
    }

    ModelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
