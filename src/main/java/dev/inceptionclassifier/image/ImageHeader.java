package dev.inceptionclassifier.image;

/**
 * What the header scan learnt before any pixel is decoded.
 *
 * @param format the sniffed format
 * @param width width as the header claims it (before orientation)
 * @param height height as the header claims it
 * @param orientation EXIF orientation, 1 (upright) to 8
 * @param decodeBytes the bytes handed to the decoder: the upload with metadata segments and chunks (and JPEG fill
 *     bytes) removed; the same array when there was nothing to remove
 * @param components colour components of a JPEG frame (1, 3 or 4), samples per pixel of a PNG (1 to 4, alpha
 *     included; 1 for a palette); 0 for other formats
 * @param adobeTransform the transform flag of a JPEG's Adobe APP14 segment (0 = none/CMYK, 1 = YCbCr, 2 = YCCK), or
 *     -1 without one
 * @param bitDepth bits per sample (JPEG precision, PNG bit depth) or per pixel (BMP); 0 where the header does not say
 * @param indexed pixels are palette indices (PNG colour type 3, GIF)
 * @param scans JPEG scans (SOS segments); 0 for other formats
 * @param arithmetic a JPEG with arithmetic-coded scans (SOF9 to SOF15)
 */
record ImageHeader(
        ImageFormat format,
        int width,
        int height,
        int orientation,
        byte[] decodeBytes,
        int components,
        int adobeTransform,
        int bitDepth,
        boolean indexed,
        int scans,
        boolean arithmetic) {

    /** A header of a format with nothing more to say than its size and orientation. */
    static ImageHeader of(
            ImageFormat format,
            int width,
            int height,
            int orientation,
            byte[] decodeBytes,
            int bitDepth,
            boolean indexed) {
        return new ImageHeader(format, width, height, orientation, decodeBytes, 0, -1, bitDepth, indexed, 0, false);
    }

    /** A four-component JPEG, which Pillow converts naively and we decode from the raw raster to match. */
    boolean isCmykJpeg() {
        return format == ImageFormat.JPEG && components == 4;
    }

    /** Width times height as the header claims them. */
    long pixels() {
        return (long) width * height;
    }
}
