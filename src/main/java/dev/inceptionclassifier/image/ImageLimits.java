package dev.inceptionclassifier.image;

import java.time.Duration;

/**
 * Limits a decode must stay within.
 *
 * @param maxBytes largest accepted encoded size
 * @param maxPixels largest width x height, checked from the header before any pixel is decoded
 * @param maxSide largest width or height
 * @param maxMetadataBytes largest metadata block (EXIF, ICC, text chunks) a decoder may read
 * @param maxProgressiveScans most JPEG scans accepted
 * @param decodeTimeout longest one decode may run
 */
public record ImageLimits(
        long maxBytes,
        long maxPixels,
        int maxSide,
        int maxMetadataBytes,
        int maxProgressiveScans,
        Duration decodeTimeout) {

    /** Defaults matching the documented configuration defaults. */
    public static ImageLimits defaults() {
        return new ImageLimits(20L << 20, 40_000_000L, 20_000, 4 << 20, 100, Duration.ofSeconds(10));
    }
}
