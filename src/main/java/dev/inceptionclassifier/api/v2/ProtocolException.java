package dev.inceptionclassifier.api.v2;

/**
 * A request the protocol layer refuses, with the HTTP status to answer and a message that is safe to show to the
 * client (it names the offending field, never echoes the payload).
 */
public class ProtocolException extends RuntimeException {

    private final int status;

    public ProtocolException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** A malformed or unsupported request (400). */
    public static ProtocolException badRequest(String message) {
        return new ProtocolException(400, message);
    }

    public int status() {
        return status;
    }
}
