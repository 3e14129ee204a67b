package dev.inceptionclassifier.image;

/**
 * A decoded upload: 8-bit RGB, interleaved ({@code R G B R G B ...}), row-major, already turned upright by its EXIF
 * orientation. Alpha is dropped as Pillow's {@code convert('RGB')} drops it (not composited on any background).
 *
 * @param width width in pixels after orientation
 * @param height height in pixels after orientation
 * @param rgb {@code width * height * 3} bytes
 * @param format the sniffed container format: {@code jpeg}, {@code png}, {@code gif}, {@code bmp} or {@code webp}
 */
record DecodedImage(int width, int height, byte[] rgb, String format) {

    public DecodedImage {
        if (width < 1 || height < 1 || rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("rgb must hold width * height * 3 bytes");
        }
    }
}
