package dev.inceptionclassifier.image;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;

/**
 * Reads an upload's header without decoding pixels, and refuses it before any raster is allocated when the
 * dimensions, the metadata or (JPEG) the number of scans are over the limits. Each format's walker also removes the
 * metadata the decoder must not see: ICC profiles (Pillow's {@code convert('RGB')} ignores them), text chunks that
 * could inflate enormously, and EXIF, of which only the orientation is read here.
 */
final class HeaderScanner {

    private HeaderScanner() {}

    static ImageHeader scan(ImageFormat format, byte[] bytes, ImageLimits limits) {
        return switch (format) {
            case JPEG -> JpegHeaderScanner.scan(bytes, limits);
            case PNG -> PngHeaderScanner.scan(bytes, limits);
            case GIF -> GifHeaderScanner.scan(bytes, limits);
            case BMP -> BmpHeaderScanner.scan(bytes, limits);
            case WEBP -> WebpHeaderScanner.scan(bytes, limits);
        };
    }

    /** Refuses zero or negative sizes as corrupt and sizes over the limits as too large. */
    static void checkSize(long width, long height, ImageLimits limits) {
        if (width > limits.maxSide() || height > limits.maxSide()) {
            throw new ImageRejectedException(
                    Reason.TOO_LARGE,
                    "image is " + width + "x" + height + " pixels; the largest side accepted is " + limits.maxSide());
        }
        if (width < 1 || height < 1) {
            throw new ImageRejectedException(Reason.UNDECODABLE, "the image header declares an empty image");
        }
        if (width * height > limits.maxPixels()) {
            throw new ImageRejectedException(
                    Reason.TOO_LARGE,
                    "image is " + width + "x" + height + " pixels; at most " + limits.maxPixels()
                            + " pixels are accepted");
        }
    }

    static void checkMetadata(long metadataBytes, ImageLimits limits) {
        if (metadataBytes > limits.maxMetadataBytes()) {
            throw new ImageRejectedException(
                    Reason.BUDGET_EXCEEDED,
                    "image metadata is " + metadataBytes + " bytes; at most " + limits.maxMetadataBytes()
                            + " bytes are accepted");
        }
    }

    static ImageRejectedException corrupt() {
        return new ImageRejectedException(Reason.UNDECODABLE, "the image is truncated or its header is corrupt");
    }
}
