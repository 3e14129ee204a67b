package dev.inceptionclassifier.image;

/** Reads a BMP's size from its DIB header (OS/2 core header or BITMAPINFOHEADER and later versions). */
final class BmpHeaderScanner {

    private BmpHeaderScanner() {}

    static ImageHeader scan(byte[] b, ImageLimits limits) {
        int dibSize = Bytes.le32(b, 14);
        long width;
        long height;
        int bitsPerPixel;
        if (dibSize == 12) {
            width = Bytes.le16(b, 18);
            height = Bytes.le16(b, 20);
            bitsPerPixel = Bytes.le16(b, 24);
        } else {
            width = Bytes.le32(b, 18);
            // negative height: rows stored top-down
            height = Math.abs((long) Bytes.le32(b, 22));
            bitsPerPixel = Bytes.le16(b, 28);
        }
        HeaderScanner.checkSize(width, height, limits);
        return ImageHeader.of(ImageFormat.BMP, (int) width, (int) height, 1, b, bitsPerPixel, bitsPerPixel <= 8);
    }
}
