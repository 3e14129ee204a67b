package dev.inceptionclassifier.image;

/**
 * The worst-case bytes a decode holds at once, from the header alone, for the {@link DecodeMemoryBudget}: the
 * decoder's output raster, the RGB copy where one is needed, libjpeg's whole-image coefficient buffer for multi-scan
 * JPEGs (native memory, counted all the same), and the resize's buffers. The rotation for an EXIF orientation and the
 * RGB view of 8-bit gray, RGB and RGBA rasters copy nothing ({@link PixelView}). The JDK's readers also allocate a
 * row-sized buffer per row they output (for progressive JPEGs, per row of every scan), garbage at once, which is not
 * held and not counted. A test checks these bounds against the bytes the decoders really allocate.
 */
final class DecodeMemory {

    /** Reader objects, metadata, stream and row buffers: what a decode costs besides its pixels. */
    static final long FIXED = 2L << 20;

    private DecodeMemory() {}

    /**
     * Decoding to a {@link PixelView}: the normalised bytes, the decoder's output and any conversion to RGB. The
     * same for both JPEG decoders.
     */
    static long decode(ImageHeader h) {
        long p = h.pixels();
        long bytes = FIXED + h.decodeBytes().length;
        switch (h.format()) {
            case JPEG -> {
                int c = Math.max(1, h.components());
                bytes += c * p; // TurboJPEG's output or ImageIO's raster: gray, RGB, or raw CMYK
                if (c == 4) {
                    bytes += 3 * p; // CMYK to RGB
                }
                if (h.scans() > 1) {
                    bytes += 2L * c * p; // 16-bit DCT coefficients of every component at full resolution, at most
                }
            }
            case PNG -> {
                boolean direct = h.bitDepth() == 8 && !h.indexed();
                bytes += h.bitDepth() < 8 ? p : (long) h.components() * (h.bitDepth() > 8 ? 2 : 1) * p;
                if (!direct) {
                    bytes += 3 * p;
                }
            }
            case GIF -> bytes += p + 3 * p; // indices, then RGB
            case BMP -> bytes += h.bitDepth() == 24 ? 3 * p : 4 * p + 3 * p; // 3-byte BGR, or packed ints then RGB
            case WEBP -> bytes += 4 * p + 4 * p + 3 * p; // the decoder's ARGB, its working copy, then RGB
        }
        return bytes;
    }

    /** Decoding to a standalone upright RGB array ({@link ImagePipeline#decode}). */
    static long decodeToRgb(ImageHeader h) {
        return decode(h) + 3 * h.pixels();
    }

    /** Resize, crop and normalisation of the upright image for {@code plan}. */
    static long preprocess(int uprightWidth, int uprightHeight, ResizePlan plan) {
        int s = plan.size();
        long resize = PillowResampler.workingBytes(
                uprightWidth, uprightHeight, plan.resizedWidth(), plan.resizedHeight(), s, s);
        long normalise = 3L * s * s * Float.BYTES + 3 * 256 * Float.BYTES;
        return resize + normalise;
    }
}
