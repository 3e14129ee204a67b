package dev.inceptionclassifier.model.source;

/**
 * A model file does not hash to its {@code classifier.models[i].sha256} pin. Unlike
 * {@link ModelUnavailableException} this never falls back to random weights: the start fails. The file is never
 * kept in the cache.
 */
class IntegrityException extends RuntimeException {

    IntegrityException(String message) {
        super(message);
    }
}
