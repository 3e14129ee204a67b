package dev.inceptionclassifier.image;

/**
 * The decode memory budget had no room for this image within the configured wait: an overload of the server, not a
 * fault of the image. The message is safe to show to a client.
 */
public class DecodeBusyException extends RuntimeException {

    DecodeBusyException(String message) {
        super(message);
    }
}
