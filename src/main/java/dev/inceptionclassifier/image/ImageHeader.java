package dev.inceptionclassifier.image;

/**
 * What the header scan learnt before any pixel is decoded.
 *
 * @param format the sniffed format
 * @param width width as the header claims it (before orientation)
 * @param height height as the header claims it
 * @param orientation EXIF orientation, 1 (upright) to 8
 * @param decodeBytes the bytes handed to the decoder: the upload with metadata segments and chunks removed (the same
 *     array when there was nothing to remove)
 * @param components colour components of a JPEG frame (1, 3 or 4); 0 for other formats
 * @param adobeTransform the transform flag of a JPEG's Adobe APP14 segment (0 = none/CMYK, 1 = YCbCr, 2 = YCCK), or
 *     -1 without one
 */
record ImageHeader(ImageFormat format, int width, int height, int orientation, byte[] decodeBytes, int components,
        int adobeTransform) {

    /** A four-component JPEG, which Pillow converts naively and we decode from the raw raster to match. */
    boolean isCmykJpeg() {
        return format == ImageFormat.JPEG && components == 4;
    }
}
