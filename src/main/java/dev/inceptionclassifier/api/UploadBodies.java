package dev.inceptionclassifier.api;

import java.io.IOException;
import java.io.InputStream;

/** Reading a raw image body within the upload limit, shared by {@code /classify} and {@code /embed}. */
final class UploadBodies {

    private UploadBodies() {}

    /**
     * Reads at most {@code maxBytes}; a chunked body that goes over is refused without buffering the rest.
     *
     * @throws BadRequestException too large, or incomplete (the upload deadline, a stalled or vanished client)
     */
    static byte[] readBounded(InputStream in, long maxBytes) {
        byte[] data;
        try {
            data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            // A body past classifier.image.upload-timeout or stalled past server.tomcat.connection-timeout, or a
            // client that went away mid-upload.
            throw BadRequestException.incompleteUpload(ClassifyController.isTimeout(e));
        }
        if (data.length > maxBytes) {
            throw BadRequestException.tooLarge(maxBytes);
        }
        return data;
    }
}
