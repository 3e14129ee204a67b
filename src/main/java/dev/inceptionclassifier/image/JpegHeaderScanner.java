package dev.inceptionclassifier.image;

import java.io.ByteArrayOutputStream;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;

/**
 * Walks a JPEG's marker segments: frame size, scan count (a progressive JPEG with thousands of scans is a CPU bomb),
 * metadata size, EXIF orientation and the Adobe colour transform. APP1-APP13, APP15 and COM segments are removed
 * before decoding; APP0 (JFIF) and APP14 (Adobe) stay because they decide the colour space.
 */
final class JpegHeaderScanner {

    private JpegHeaderScanner() {
    }

    static ImageHeader scan(byte[] b, ImageLimits limits) {
        int pos = 2;
        int width = -1;
        int height = -1;
        int components = 0;
        int orientation = 1;
        int adobeTransform = -1;
        int scans = 0;
        long metadata = 0;
        ByteArrayOutputStream kept = null;
        int copiedUpTo = 0;
        while (pos < b.length) {
            if ((b[pos] & 0xff) != 0xff) {
                throw HeaderScanner.corrupt();
            }
            while (pos < b.length && (b[pos] & 0xff) == 0xff) {
                pos++; // fill bytes
            }
            if (pos >= b.length) {
                break;
            }
            int marker = b[pos] & 0xff;
            int segStart = pos - 1;
            pos++;
            if (marker == 0xd9) {
                break; // EOI
            }
            if (marker == 0x01 || marker >= 0xd0 && marker <= 0xd8) {
                continue; // standalone markers
            }
            int len = Bytes.be16(b, pos);
            if (len < 2 || pos + len > b.length) {
                throw HeaderScanner.corrupt();
            }
            int payload = pos + 2;
            int payloadLen = len - 2;
            if (isSof(marker)) {
                if (width >= 0) {
                    throw HeaderScanner.corrupt();
                }
                height = Bytes.be16(b, payload + 1);
                width = Bytes.be16(b, payload + 3);
                components = Bytes.u8(b, payload + 5);
                // Height 0 would be defined later by a DNL marker, which the decoders do not support.
                HeaderScanner.checkSize(width, height, limits);
            } else if (marker == 0xe1 && orientation == 1 && payloadLen > 6 && Bytes.ascii(b, payload, "Exif\0\0")) {
                orientation = ExifOrientation.read(b, payload + 6, payloadLen - 6);
            } else if (marker == 0xee && payloadLen >= 12 && Bytes.ascii(b, payload, "Adobe")) {
                adobeTransform = b[payload + 11] & 0xff;
            }
            if (marker >= 0xe0 && marker <= 0xef || marker == 0xfe) {
                metadata += len + 2;
            }
            if (marker >= 0xe1 && marker <= 0xed || marker == 0xef || marker == 0xfe) {
                if (kept == null) {
                    kept = new ByteArrayOutputStream(b.length);
                }
                kept.write(b, copiedUpTo, segStart - copiedUpTo);
                copiedUpTo = pos + len;
            }
            pos += len;
            if (marker == 0xda) {
                if (width < 0) {
                    throw HeaderScanner.corrupt();
                }
                scans++;
                if (scans > limits.maxProgressiveScans()) {
                    throw new ImageRejectedException(Reason.BUDGET_EXCEEDED, "the JPEG has more than "
                            + limits.maxProgressiveScans() + " scans");
                }
                pos = skipEntropyCodedData(b, pos);
            }
        }
        HeaderScanner.checkMetadata(metadata, limits);
        if (width < 0 || scans == 0) {
            throw HeaderScanner.corrupt();
        }
        byte[] decodeBytes = b;
        if (kept != null) {
            kept.write(b, copiedUpTo, b.length - copiedUpTo);
            decodeBytes = kept.toByteArray();
        }
        return new ImageHeader(ImageFormat.JPEG, width, height, orientation, decodeBytes, components, adobeTransform);
    }

    /** SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
    private static boolean isSof(int marker) {
        return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    }

    /** The position of the next marker after entropy-coded data (FF 00 is a stuffed byte, FF D0-D7 a restart). */
    private static int skipEntropyCodedData(byte[] b, int pos) {
        int n = b.length - 1;
        while (pos < n) {
            if (b[pos] == (byte) 0xff) {
                int next = b[pos + 1] & 0xff;
                if (next != 0 && !(next >= 0xd0 && next <= 0xd7) && next != 0xff) {
                    return pos;
                }
                pos += next == 0xff ? 1 : 2;
            } else {
                pos++;
            }
        }
        return b.length;
    }
}
