package dev.inceptionclassifier.image;

/** The container formats we decode, recognised by their magic bytes only; a client's content type is never trusted. */
enum ImageFormat {
    JPEG("jpeg"),
    PNG("png"),
    GIF("gif"),
    BMP("bmp"),
    WEBP("webp");

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final String formatName;

    ImageFormat(String formatName) {
        this.formatName = formatName;
    }

    /** The ImageIO format name, also reported in {@link DecodedImage#format()}. */
    String formatName() {
        return formatName;
    }

    /** The format whose signature starts {@code b}, or null when none does. */
    static ImageFormat sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return JPEG;
        }
        if (startsWith(b, 0, PNG_SIGNATURE)) {
            return PNG;
        }
        if (startsWith(b, 0, "GIF87a".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                || startsWith(b, 0, "GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            return GIF;
        }
        // "BM" alone is two letters of text; require a plausible DIB header size as well.
        if (b.length >= 18 && b[0] == 'B' && b[1] == 'M') {
            int dib = Bytes.le32(b, 14);
            if (dib == 12
                    || dib == 16
                    || dib == 40
                    || dib == 52
                    || dib == 56
                    || dib == 64
                    || dib == 108
                    || dib == 124) {
                return BMP;
            }
        }
        if (b.length >= 12
                && b[0] == 'R'
                && b[1] == 'I'
                && b[2] == 'F'
                && b[3] == 'F'
                && b[8] == 'W'
                && b[9] == 'E'
                && b[10] == 'B'
                && b[11] == 'P') {
            return WEBP;
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int offset, byte[] prefix) {
        if (b.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
