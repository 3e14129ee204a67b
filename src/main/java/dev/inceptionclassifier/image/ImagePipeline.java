package dev.inceptionclassifier.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Objects;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;

/**
 * Uploaded bytes to model input, safely and exactly as timm's eval transform does it.
 *
 * <p>{@link #decode} sniffs the format from the magic bytes (JPEG, PNG, GIF, BMP, WebP; the client's content type is
 * never consulted), reads the size from the header and refuses it against {@link ImageLimits} before any raster is
 * allocated, counts JPEG scans and metadata, decodes the first frame (a decoder warning is an error, a decode past
 * the deadline is aborted), converts to RGB as Pillow's {@code convert('RGB')} does and applies the EXIF
 * orientation. Every failure is an {@link ImageRejectedException} with a client-safe message; no decoder exception,
 * colour-management error or allocation failure escapes as such.
 *
 * <p>{@link #preprocess} resizes with Pillow 9.4's antialiased bicubic or bilinear filter (bit-exact fixed point),
 * center-crops as torchvision 0.14 does (or squashes), and normalises into a CHW float32 array, as the
 * {@link PreprocessSpec} says.
 *
 * <p>Thread-safe: it holds only the limits; every call uses its own ImageIO reader.
 */
public final class ImagePipeline {

    private static final String CORRUPT = "the image data is corrupt or truncated";

    private final ImageLimits limits;
    private final ImageDecoder decoder;

    public ImagePipeline(ImageLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.decoder = new ImageDecoder(limits);
    }

    /**
     * Decodes an upload to upright 8-bit RGB.
     *
     * @throws ImageRejectedException {@code EMPTY} for no bytes, {@code UNSUPPORTED_FORMAT} for anything that is not
     *     one of the five formats, {@code TOO_LARGE} for size or pixel limits, {@code BUDGET_EXCEEDED} for too many
     *     JPEG scans, too much metadata or too long a decode, {@code UNDECODABLE} for corrupt or truncated data
     */
    public DecodedImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(Reason.EMPTY, "the upload is empty");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ImageRejectedException(Reason.TOO_LARGE, "the upload is " + bytes.length
                    + " bytes; at most " + limits.maxBytes() + " bytes are accepted");
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == null) {
            throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT,
                    "not a supported image; send JPEG, PNG, GIF, BMP or WebP");
        }
        long deadline = System.nanoTime() + limits.decodeTimeout().toNanos();
        try {
            ImageHeader header = HeaderScanner.scan(format, bytes, limits);
            byte[] rgb;
            int width;
            int height;
            if (header.isCmykJpeg()) {
                var raster = decoder.readRaster(header, deadline);
                width = raster.getWidth();
                height = raster.getHeight();
                HeaderScanner.checkSize(width, height, limits);
                rgb = RgbConverter.cmykToRgb(raster, header.adobeTransform() == 2);
            } else {
                BufferedImage image = decoder.read(header, deadline);
                width = image.getWidth();
                height = image.getHeight();
                HeaderScanner.checkSize(width, height, limits);
                rgb = RgbConverter.toRgb(image);
            }
            int orientation = header.orientation();
            byte[] upright = Orientation.apply(rgb, width, height, orientation);
            boolean swap = Orientation.swapsAxes(orientation);
            return new DecodedImage(swap ? height : width, swap ? width : height, upright, format.formatName());
        } catch (ImageRejectedException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new ImageRejectedException(Reason.TOO_LARGE, "the image needs more memory than is available");
        } catch (IOException | RuntimeException | StackOverflowError e) {
            // decoder and colour-management failures (IIOException, CMMException, IllegalArgumentException,
            // ArrayIndexOutOfBoundsException, NegativeArraySizeException...): their text stays on the server
            throw new ImageRejectedException(Reason.UNDECODABLE, CORRUPT, e);
        }
    }

    /**
     * The model input for {@code image}: CHW float32, {@code 3 * S * S} values with {@code S = spec.inputSize()}.
     */
    public float[] preprocess(DecodedImage image, PreprocessSpec spec) {
        ResizePlan plan = ResizePlan.of(image.width(), image.height(), spec);
        int s = plan.size();
        byte[] window = PillowResampler.resize(spec.interpolation(), image.rgb(), image.width(), image.height(),
                plan.resizedWidth(), plan.resizedHeight(), plan.cropX(), plan.cropY(), s, s);
        return Normalizer.toChw(window, s * s, spec);
    }
}
