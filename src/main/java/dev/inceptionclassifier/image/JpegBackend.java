package dev.inceptionclassifier.image;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Which decoder turns JPEGs into pixels: libjpeg-turbo through its TurboJPEG Java binding (Debian packages
 * {@code libturbojpeg-java} and {@code libturbojpeg0}; the library Pillow decodes with, so the same bytes as Pillow,
 * at Pillow's speed), or ImageIO (TwelveMonkeys' JPEG reader on the JDK's libjpeg; always present). Chosen once at
 * start-up, never silently: {@link #select} either returns what was asked for or says why not.
 *
 * <p>With TurboJPEG, the few JPEGs it cannot take (sampling factors libjpeg-turbo 2.1's TurboJPEG API cannot
 * classify, e.g. 3x1 or different factors per chroma component) are decoded by ImageIO; every other format always
 * is.
 */
public final class JpegBackend {

    /** The {@code classifier.image.jpeg-decoder} setting. */
    public enum Choice {
        /** TurboJPEG when its binding and library are installed, else ImageIO. */
        AUTO,
        /** TurboJPEG, or a failed start. */
        TURBOJPEG,
        /** ImageIO, even where TurboJPEG is installed. */
        IMAGEIO;

        /** {@code auto}, {@code turbojpeg} or {@code imageio}, in any case. */
        public static Choice parse(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    private final TurboJpeg turbo;
    private final String description;

    private JpegBackend(TurboJpeg turbo, String description) {
        this.turbo = turbo;
        this.description = description;
    }

    /** ImageIO only. */
    public static JpegBackend imageIo() {
        return new JpegBackend(null, "imageio (TwelveMonkeys JPEG reader on the JDK's libjpeg)");
    }

    /**
     * The decoder {@code choice} asks for.
     *
     * @param jar the TurboJPEG Java binding; null for the usual places ({@code /usr/share/java/turbojpeg.jar})
     * @param library the TurboJPEG native library; null for {@code libturbojpeg.so.0} in the usual library folders
     * @throws JpegDecoderUnavailableException for {@code TURBOJPEG} when the binding or the library is missing or
     *     broken, with the reason
     */
    public static JpegBackend select(Choice choice, Path jar, Path library) {
        if (choice == Choice.IMAGEIO) {
            return new JpegBackend(null, imageIo().description + "; chosen by configuration");
        }
        try {
            TurboJpeg turbo = TurboJpeg.load(jar, library);
            return new JpegBackend(turbo, "turbojpeg (libjpeg-turbo, " + turbo.describe() + ")");
        } catch (TurboJpeg.UnavailableException e) {
            if (choice == Choice.TURBOJPEG) {
                throw new JpegDecoderUnavailableException("TurboJPEG is not usable: " + e.getMessage(), e);
            }
            return new JpegBackend(null, imageIo().description + "; libjpeg-turbo not used: " + e.getMessage());
        }
    }

    /** {@code turbojpeg} or {@code imageio}. */
    public String name() {
        return turbo != null ? "turbojpeg" : "imageio";
    }

    /** What decodes JPEGs and, for ImageIO, why TurboJPEG does not: one line for the start-up log. */
    public String description() {
        return description;
    }

    /** The TurboJPEG binding, or null when JPEGs go to ImageIO. */
    TurboJpeg turbo() {
        return turbo;
    }

    @Override
    public String toString() {
        return name();
    }
}
