package dev.inceptionclassifier.image;

/**
 * An upload that cannot be turned into a model input. The message is safe to show to a client: it never carries
 * a library's exception text, a file path or a stack trace.
 */
public class ImageRejectedException extends RuntimeException {

    /** Why the image was refused; the HTTP layer maps each reason to a status and a problem type. */
    public enum Reason {
        /** No bytes at all. */
        EMPTY,
        /** The bytes are not an image format we decode (415). */
        UNSUPPORTED_FORMAT,
        /** A supported format, but corrupt or truncated (400). */
        UNDECODABLE,
        /** File size, pixel count or a side over the configured limits (413). */
        TOO_LARGE,
        /** Decoding would exceed a budget: scans, metadata size or time (422). */
        BUDGET_EXCEEDED
    }

    private final Reason reason;

    ImageRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    ImageRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
