package dev.inceptionclassifier.image;

/** {@code turbojpeg} was asked for explicitly, and libjpeg-turbo's TurboJPEG binding or library is not usable. */
public class JpegDecoderUnavailableException extends IllegalStateException {

    JpegDecoderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
