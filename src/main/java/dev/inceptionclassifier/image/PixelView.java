package dev.inceptionclassifier.image;

/**
 * Upright 8-bit RGB pixels read in place from a decoder's own buffer, so that neither the RGB conversion nor the
 * EXIF rotation needs a copy of the raster: channel {@code c} of upright pixel {@code (x, y)} is
 * {@code data[base + x * xStride + y * yStride + offset(c)]}. Interleaved RGB, BGR, RGBA and gray (all three offsets
 * equal) are views; an orientation is a change of base and strides.
 *
 * @param data the decoder's buffer
 * @param width upright width
 * @param height upright height
 * @param base index of the upright top-left pixel
 * @param xStride index step to the next pixel to the right (may be negative, or a row step when rotated)
 * @param yStride index step to the next row down
 * @param red offset of the red sample within a pixel
 * @param green offset of the green sample
 * @param blue offset of the blue sample
 */
record PixelView(byte[] data, int width, int height, int base, int xStride, int yStride, int red, int green, int blue) {

    PixelView {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("empty view");
        }
        // the four corners bound every index the view can produce
        long right = (long) (width - 1) * xStride;
        long down = (long) (height - 1) * yStride;
        long lo = base + Math.min(0, right) + Math.min(0, down);
        long hi = base + Math.max(0, right) + Math.max(0, down);
        int maxOffset = Math.max(red, Math.max(green, blue));
        if (lo < 0 || hi + maxOffset >= data.length || Math.min(red, Math.min(green, blue)) < 0) {
            throw new IllegalArgumentException("view outside its buffer");
        }
    }

    /** Interleaved {@code R G B} rows, {@code width * height * 3} bytes. */
    static PixelView rgb(byte[] rgb, int width, int height) {
        return new PixelView(rgb, width, height, 0, 3, width * 3, 0, 1, 2);
    }

    /** One byte per pixel, replicated into R, G and B as Pillow's {@code convert('RGB')} of mode L does. */
    static PixelView gray(byte[] gray, int width, int height) {
        return new PixelView(gray, width, height, 0, 1, width, 0, 0, 0);
    }

    /**
     * This view (the image as stored) turned upright for an EXIF orientation, as Pillow's
     * {@code ImageOps.exif_transpose} does: 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise,
     * 7 transverse, 8 rotate 90 counter-clockwise. No pixel is copied.
     */
    PixelView oriented(int orientation) {
        int w = width;
        int h = height;
        int right = (w - 1) * xStride; // from the stored left column to the right one
        int bottom = (h - 1) * yStride; // from the stored top row to the bottom one
        return switch (orientation) {
            case 2 -> withGeometry(w, h, base + right, -xStride, yStride);
            case 3 -> withGeometry(w, h, base + right + bottom, -xStride, -yStride);
            case 4 -> withGeometry(w, h, base + bottom, xStride, -yStride);
            case 5 -> withGeometry(h, w, base, yStride, xStride);
            case 6 -> withGeometry(h, w, base + bottom, -yStride, xStride);
            case 7 -> withGeometry(h, w, base + right + bottom, -yStride, -xStride);
            case 8 -> withGeometry(h, w, base + right, yStride, -xStride);
            default -> this;
        };
    }

    private PixelView withGeometry(int w, int h, int b, int xs, int ys) {
        return new PixelView(data, w, h, b, xs, ys, red, green, blue);
    }

    /** Whether the view is exactly interleaved RGB in its own buffer, so {@link #toRgb()} can return that buffer. */
    boolean isPackedRgb() {
        return base == 0
                && xStride == 3
                && yStride == width * 3
                && red == 0
                && green == 1
                && blue == 2
                && data.length == width * height * 3;
    }

    /** Interleaved upright RGB; the buffer itself when it already is exactly that, else a copy. */
    byte[] toRgb() {
        if (isPackedRgb()) {
            return data;
        }
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        int o = 0;
        for (int y = 0; y < height; y++) {
            int p = base + y * yStride;
            for (int x = 0; x < width; x++, p += xStride) {
                out[o++] = data[p + red];
                out[o++] = data[p + green];
                out[o++] = data[p + blue];
            }
        }
        return out;
    }
}
