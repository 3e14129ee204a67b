package dev.inceptionclassifier.image;

/**
 * Reads the orientation tag (0x0112) from IFD0 of an EXIF TIFF structure and nothing else. A malformed or missing
 * tag counts as upright: a broken EXIF block must not cost the whole upload.
 */
final class ExifOrientation {

    private static final int ORIENTATION_TAG = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifOrientation() {}

    /** The orientation (1-8) in the TIFF structure at {@code b[offset, offset + length)}, or 1. */
    static int read(byte[] b, int offset, int length) {
        int end = Math.min(b.length, offset + length);
        if (offset < 0 || end - offset < 8) {
            return 1;
        }
        boolean little;
        if (b[offset] == 'I' && b[offset + 1] == 'I') {
            little = true;
        } else if (b[offset] == 'M' && b[offset + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (u16(b, offset + 2, little) != 42) {
            return 1;
        }
        long ifd = u32(b, offset + 4, little);
        if (ifd < 8 || ifd > end - offset - 2) {
            return 1;
        }
        int p = offset + (int) ifd;
        int count = u16(b, p, little);
        p += 2;
        for (int i = 0; i < count && p + 12 <= end; i++, p += 12) {
            if (u16(b, p, little) == ORIENTATION_TAG) {
                if (u16(b, p + 2, little) != TYPE_SHORT) {
                    return 1;
                }
                int value = u16(b, p + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int p, boolean little) {
        return little ? Bytes.le16(b, p) : Bytes.be16(b, p);
    }

    private static long u32(byte[] b, int p, boolean little) {
        return little ? Bytes.le32(b, p) & 0xffffffffL : Bytes.be32(b, p);
    }
}
