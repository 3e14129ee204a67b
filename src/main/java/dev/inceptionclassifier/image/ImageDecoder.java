package dev.inceptionclassifier.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes the first image of a scanned upload with ImageIO (the JDK's PNG, GIF and BMP readers; TwelveMonkeys' JPEG
 * and WebP readers), within the limits: the reader's own idea of the size is checked before {@code read} (against the
 * limits and against the header the memory reservation was made from), any decoder warning ("premature end of
 * data", "corrupt data"; not the {@link DecoderWarnings#isBenign benign} ones) fails the decode instead of yielding a
 * grey picture,
 * and a decode past its deadline is aborted from the reader's progress callbacks (the JDK JPEG reader refuses
 * calls from other threads, so no watchdog thread can abort it).
 */
final class ImageDecoder {

    private final ImageLimits limits;

    ImageDecoder(ImageLimits limits) {
        this.limits = limits;
        for (ImageFormat format : ImageFormat.values()) {
            if (!ImageIO.getImageReadersByFormatName(format.formatName()).hasNext()) {
                // class path scanning can miss plugins of a nested jar; look again once
                ImageIO.scanForPlugins();
            }
            if (!ImageIO.getImageReadersByFormatName(format.formatName()).hasNext()) {
                throw new IllegalStateException("no ImageIO reader for " + format.formatName());
            }
        }
    }

    /** Decodes to a BufferedImage with its colour model. */
    BufferedImage read(ImageHeader header, long deadlineNanos) throws IOException {
        return withReader(header, deadlineNanos, (reader, param) -> reader.read(0, param));
    }

    /** Decodes a JPEG's raw components without colour conversion (CMYK and YCCK). */
    Raster readRaster(ImageHeader header, long deadlineNanos) throws IOException {
        return withReader(header, deadlineNanos, (reader, param) -> reader.readRaster(0, param));
    }

    private interface ReadAction<T> {
        T read(ImageReader reader, ImageReadParam param) throws IOException;
    }

    private <T> T withReader(ImageHeader header, long deadlineNanos, ReadAction<T> action) throws IOException {
        ImageReader reader = newReader(header.format());
        Guard guard = new Guard(reader, deadlineNanos);
        try (ImageInputStream in = new ByteArrayImageInputStream(header.decodeBytes())) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(guard);
            reader.addIIOReadProgressListener(guard);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            HeaderScanner.checkSize(width, height, limits);
            if (width != header.width() || height != header.height()) {
                // the memory reserved for this decode and the resize plan were computed from the header's size
                throw new ImageRejectedException(Reason.UNDECODABLE, "the image header is inconsistent");
            }
            guard.checkDeadline();
            T result = action.read(reader, reader.getDefaultReadParam());
            guard.check();
            return result;
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader newReader(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.formatName());
        ImageReader first = null;
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            // TwelveMonkeys' JPEG reader handles CMYK/YCCK and broken metadata better than the JDK's it wraps
            if (reader.getClass().getName().startsWith("com.twelvemonkeys.")) {
                return reader;
            }
            if (first == null) {
                first = reader;
            }
        }
        if (first == null) {
            throw new ImageRejectedException(
                    Reason.UNSUPPORTED_FORMAT,
                    format.formatName().toUpperCase(Locale.ROOT) + " images cannot be decoded here");
        }
        return first;
    }

    /** Turns decoder warnings into errors and enforces the deadline from the decoding thread itself. */
    private static final class Guard implements IIOReadWarningListener, IIOReadProgressListener {

        private final ImageReader reader;
        private final long deadlineNanos;
        private boolean warned;
        private boolean timedOut;

        Guard(ImageReader reader, long deadlineNanos) {
            this.reader = reader;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            if (!DecoderWarnings.isBenign(warning)) {
                warned = true;
                reader.abort();
            }
        }

        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (System.nanoTime() - deadlineNanos > 0) {
                timedOut = true;
                reader.abort();
            }
        }

        void checkDeadline() {
            if (timedOut || System.nanoTime() - deadlineNanos > 0) {
                throw new ImageRejectedException(Reason.BUDGET_EXCEEDED, "decoding the image took too long");
            }
        }

        void check() {
            if (warned) {
                throw new ImageRejectedException(Reason.UNDECODABLE, "the image data is corrupt or truncated");
            }
            checkDeadline();
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {}

        @Override
        public void sequenceComplete(ImageReader source) {}

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {
            imageProgress(source, 0f);
        }

        @Override
        public void imageComplete(ImageReader source) {}

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {}

        @Override
        public void thumbnailComplete(ImageReader source) {}

        @Override
        public void readAborted(ImageReader source) {}
    }
}
