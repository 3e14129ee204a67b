package dev.inceptionclassifier.image;

/**
 * Reads a GIF's logical screen and first image descriptor sizes (both must be within the limits), and sums the
 * extension blocks before the first image, which the decoder keeps in memory as metadata.
 */
final class GifHeaderScanner {

    private GifHeaderScanner() {}

    static ImageHeader scan(byte[] b, ImageLimits limits) {
        int screenWidth = Bytes.le16(b, 6);
        int screenHeight = Bytes.le16(b, 8);
        HeaderScanner.checkSize(screenWidth, screenHeight, limits);
        int flags = Bytes.u8(b, 10);
        int pos = 13;
        if ((flags & 0x80) != 0) {
            pos += 3 << ((flags & 7) + 1);
        }
        long metadata = 0;
        while (true) {
            int block = Bytes.u8(b, pos);
            if (block == 0x21) {
                int start = pos;
                pos = skipSubBlocks(b, pos + 2);
                metadata += pos - start;
                HeaderScanner.checkMetadata(metadata, limits);
            } else if (block == 0x2c) {
                int width = Bytes.le16(b, pos + 5);
                int height = Bytes.le16(b, pos + 7);
                HeaderScanner.checkSize(width, height, limits);
                return ImageHeader.of(ImageFormat.GIF, width, height, 1, b, 8, true);
            } else {
                // the trailer (0x3b) before any image, or garbage
                throw HeaderScanner.corrupt();
            }
        }
    }

    private static int skipSubBlocks(byte[] b, int pos) {
        while (true) {
            int size = Bytes.u8(b, pos);
            pos += 1 + size;
            if (size == 0) {
                return pos;
            }
        }
    }
}
