package dev.inceptionclassifier.inference;

/** The request's deadline passed before its result was ready. Maps to 504. */
public class DeadlineExceededException extends RuntimeException {

    DeadlineExceededException(String message) {
        super(message, null, false, false);
    }
}
