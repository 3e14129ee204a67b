package dev.inceptionclassifier.image;

/** Bounds-checked big- and little-endian reads; a read past the end means a truncated or lying header. */
final class Bytes {

    private Bytes() {}

    static int u8(byte[] b, int pos) {
        check(b, pos, 1);
        return b[pos] & 0xff;
    }

    static int be16(byte[] b, int pos) {
        check(b, pos, 2);
        return (b[pos] & 0xff) << 8 | b[pos + 1] & 0xff;
    }

    static int le16(byte[] b, int pos) {
        check(b, pos, 2);
        return (b[pos + 1] & 0xff) << 8 | b[pos] & 0xff;
    }

    static int le24(byte[] b, int pos) {
        check(b, pos, 3);
        return (b[pos + 2] & 0xff) << 16 | (b[pos + 1] & 0xff) << 8 | b[pos] & 0xff;
    }

    /** Unsigned 32-bit big-endian value as a long. */
    static long be32(byte[] b, int pos) {
        check(b, pos, 4);
        return ((long) (b[pos] & 0xff) << 24)
                | (b[pos + 1] & 0xff) << 16
                | (b[pos + 2] & 0xff) << 8
                | b[pos + 3] & 0xff;
    }

    /** Signed 32-bit little-endian value. */
    static int le32(byte[] b, int pos) {
        check(b, pos, 4);
        return (b[pos + 3] & 0xff) << 24 | (b[pos + 2] & 0xff) << 16 | (b[pos + 1] & 0xff) << 8 | b[pos] & 0xff;
    }

    static boolean ascii(byte[] b, int pos, String s) {
        if (pos < 0 || pos + s.length() > b.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[pos + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static void check(byte[] b, int pos, int n) {
        if (pos < 0 || n < 0 || pos > b.length - n) {
            throw new ImageRejectedException(
                    ImageRejectedException.Reason.UNDECODABLE, "the image is truncated or its header is corrupt");
        }
    }
}
