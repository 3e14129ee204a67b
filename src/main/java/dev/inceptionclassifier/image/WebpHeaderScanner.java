package dev.inceptionclassifier.image;

/**
 * Walks a WebP's RIFF chunks: the canvas (VP8X) or frame (VP8 / VP8L) size, truncation, metadata size (ICCP, EXIF,
 * XMP) and the EXIF orientation.
 */
final class WebpHeaderScanner {

    private WebpHeaderScanner() {}

    static ImageHeader scan(byte[] b, ImageLimits limits) {
        long riffEnd = 8L + (Bytes.le32(b, 4) & 0xffffffffL);
        if (riffEnd > b.length) {
            throw HeaderScanner.corrupt();
        }
        int end = (int) riffEnd;
        int pos = 12;
        long width = -1;
        long height = -1;
        int orientation = 1;
        long metadata = 0;
        boolean frame = false;
        while (pos + 8 <= end) {
            long size = Bytes.le32(b, pos + 4) & 0xffffffffL;
            int data = pos + 8;
            if (size > end - data) {
                throw HeaderScanner.corrupt();
            }
            int len = (int) size;
            if (Bytes.ascii(b, pos, "VP8X")) {
                width = 1L + Bytes.le24(b, data + 4);
                height = 1L + Bytes.le24(b, data + 7);
                HeaderScanner.checkSize(width, height, limits);
            } else if (Bytes.ascii(b, pos, "VP8 ")) {
                // frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height
                if (Bytes.u8(b, data + 3) != 0x9d || Bytes.u8(b, data + 4) != 0x01 || Bytes.u8(b, data + 5) != 0x2a) {
                    throw HeaderScanner.corrupt();
                }
                long frameWidth = Bytes.le16(b, data + 6) & 0x3fff;
                long frameHeight = Bytes.le16(b, data + 8) & 0x3fff;
                HeaderScanner.checkSize(frameWidth, frameHeight, limits);
                if (width < 0) {
                    width = frameWidth;
                    height = frameHeight;
                }
                frame = true;
            } else if (Bytes.ascii(b, pos, "VP8L")) {
                if (Bytes.u8(b, data) != 0x2f) {
                    throw HeaderScanner.corrupt();
                }
                int bits = Bytes.le32(b, data + 1);
                long frameWidth = (bits & 0x3fff) + 1;
                long frameHeight = ((bits >>> 14) & 0x3fff) + 1;
                HeaderScanner.checkSize(frameWidth, frameHeight, limits);
                if (width < 0) {
                    width = frameWidth;
                    height = frameHeight;
                }
                frame = true;
            } else if (Bytes.ascii(b, pos, "ANMF")) {
                HeaderScanner.checkSize(1L + Bytes.le24(b, data + 6), 1L + Bytes.le24(b, data + 9), limits);
                frame = true;
            } else if (Bytes.ascii(b, pos, "EXIF")) {
                metadata += len;
                int tiff = Bytes.ascii(b, data, "Exif\0\0") ? data + 6 : data;
                orientation = ExifOrientation.read(b, tiff, len - (tiff - data));
            } else {
                metadata += len;
            }
            pos = data + len + (len & 1);
        }
        HeaderScanner.checkMetadata(metadata, limits);
        if (!frame) {
            throw HeaderScanner.corrupt();
        }
        return ImageHeader.of(ImageFormat.WEBP, (int) width, (int) height, orientation, b, 0, false);
    }
}
