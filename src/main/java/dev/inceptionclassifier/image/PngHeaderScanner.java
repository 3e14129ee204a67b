package dev.inceptionclassifier.image;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;

/**
 * Walks a PNG's chunks: IHDR size (checked before anything else is read), CRC of every chunk (Pillow refuses a bad
 * CRC; the JDK decoder would not notice), truncation, and the eXIf orientation. Only the critical chunks and tRNS
 * reach the decoder; every other ancillary chunk (zTXt, iCCP, iTXt, APNG frames...) is dropped unread, so a
 * compressed text chunk that would inflate to gigabytes costs nothing.
 */
final class PngHeaderScanner {

    private static final int IHDR = type("IHDR");
    private static final int IEND = type("IEND");
    private static final int TRNS = type("tRNS");
    private static final int EXIF = type("eXIf");

    private PngHeaderScanner() {}

    static ImageHeader scan(byte[] b, ImageLimits limits) {
        int pos = 8;
        long width = -1;
        long height = -1;
        int bitDepth = 0;
        int colourType = 0;
        int orientation = 1;
        long metadata = 0;
        ByteArrayOutputStream kept = null;
        int copiedUpTo = 0;
        CRC32 crc = new CRC32();
        while (pos < b.length) {
            long length = Bytes.be32(b, pos);
            if (length > b.length - pos - 12L) {
                throw HeaderScanner.corrupt();
            }
            int len = (int) length;
            int chunkType = (int) Bytes.be32(b, pos + 4);
            if (width < 0) {
                if (chunkType != IHDR || len != 13) {
                    throw HeaderScanner.corrupt();
                }
                width = Bytes.be32(b, pos + 8);
                height = Bytes.be32(b, pos + 12);
                HeaderScanner.checkSize(width, height, limits);
                bitDepth = Bytes.u8(b, pos + 16);
                colourType = Bytes.u8(b, pos + 17);
            }
            crc.reset();
            crc.update(b, pos + 4, len + 4);
            if (crc.getValue() != Bytes.be32(b, pos + 8 + len)) {
                throw HeaderScanner.corrupt();
            }
            int next = pos + 12 + len;
            boolean ancillary = (chunkType & 0x20000000) != 0;
            if (ancillary && chunkType != TRNS) {
                metadata += len;
                if (chunkType == EXIF && orientation == 1) {
                    orientation = ExifOrientation.read(b, pos + 8, len);
                }
                if (kept == null) {
                    kept = new ByteArrayOutputStream(b.length);
                }
                kept.write(b, copiedUpTo, pos - copiedUpTo);
                copiedUpTo = next;
            }
            pos = next;
            if (chunkType == IEND) {
                break;
            }
        }
        if (width < 0) {
            throw HeaderScanner.corrupt();
        }
        HeaderScanner.checkMetadata(metadata, limits);
        byte[] decodeBytes = b;
        if (kept != null) {
            kept.write(b, copiedUpTo, pos - copiedUpTo);
            decodeBytes = kept.toByteArray();
        }
        return new ImageHeader(
                ImageFormat.PNG,
                (int) width,
                (int) height,
                orientation,
                decodeBytes,
                samplesPerPixel(colourType),
                -1,
                bitDepth,
                colourType == 3,
                0,
                false);
    }

    /** Gray, -, RGB, palette, gray+alpha, -, RGBA; an invalid type counts as the widest (the decoder refuses it). */
    private static int samplesPerPixel(int colourType) {
        return switch (colourType) {
            case 0, 3 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            default -> 4;
        };
    }

    private static int type(String name) {
        return name.charAt(0) << 24 | name.charAt(1) << 16 | name.charAt(2) << 8 | name.charAt(3);
    }
}
