package dev.inceptionclassifier.image;

/**
 * Turns interleaved RGB upright for an EXIF orientation, as Pillow's {@code ImageOps.exif_transpose} does:
 * 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise.
 */
final class Orientation {

    private Orientation() {
    }

    /** Whether the orientation swaps width and height. */
    static boolean swapsAxes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /**
     * The upright pixels of a {@code width x height} image stored with {@code orientation}; the result is
     * {@code height x width} when {@link #swapsAxes} says so. Orientation 1 returns {@code rgb} itself.
     */
    static byte[] apply(byte[] rgb, int width, int height, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return rgb;
        }
        int outW = swapsAxes(orientation) ? height : width;
        int outH = swapsAxes(orientation) ? width : height;
        byte[] out = new byte[rgb.length];
        int o = 0;
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                // source pixel (sx, sy) that lands on (x, y)
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = width - 1 - x; sy = y; }
                    case 3 -> { sx = width - 1 - x; sy = height - 1 - y; }
                    case 4 -> { sx = x; sy = height - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = height - 1 - x; }
                    case 7 -> { sx = width - 1 - y; sy = height - 1 - x; }
                    default -> { sx = width - 1 - y; sy = x; } // 8
                }
                int s = (sy * width + sx) * 3;
                out[o++] = rgb[s];
                out[o++] = rgb[s + 1];
                out[o++] = rgb[s + 2];
            }
        }
        return out;
    }
}
