package dev.inceptionclassifier.model.source;

/**
 * The server could not be reached (connect failure, timeout) or answered that it cannot serve now (5xx, 429), as
 * opposed to an answer about the file itself (401, 403, 404). A hub revision may then be served from the commit it
 * last resolved to.
 */
class UnreachableException extends ModelUnavailableException {

    UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
