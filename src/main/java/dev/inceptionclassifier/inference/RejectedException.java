package dev.inceptionclassifier.inference;

/** The request was not accepted: the queue is full or the service is shutting down. Maps to 503 (or 429). */
public class RejectedException extends RuntimeException {

    private final boolean shuttingDown;

    public RejectedException(String message, boolean shuttingDown) {
        super(message, null, false, false);
        this.shuttingDown = shuttingDown;
    }

    /** True when the rejection is due to a shutdown rather than load. */
    public boolean shuttingDown() {
        return shuttingDown;
    }
}
