package dev.inceptionclassifier.image;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import java.io.ByteArrayOutputStream;

/**
 * Walks a JPEG's marker segments: frame size, precision and coding (arithmetic or Huffman), scan count (a progressive
 * JPEG with thousands of scans is a CPU bomb), metadata size, EXIF orientation and the Adobe colour transform.
 *
 * <p>The decoder gets a normalised stream: APP1-APP13, APP15 and COM segments are removed (APP0/JFIF and
 * APP14/Adobe stay because they decide the colour space), fill bytes (any number of 0xFF before a marker, legal
 * everywhere) and stray bytes between segments are dropped, anything after EOI is cut, and the missing EOI of a
 * single-scan JPEG is added. The JDK's JPEG reader reports fill bytes as "extraneous bytes" and libjpeg reports a
 * missing EOI as a premature end, where Pillow decodes both.
 */
final class JpegHeaderScanner {

    private static final int EOI = 0xd9;
    private static final int SOS = 0xda;

    private JpegHeaderScanner() {}

    static ImageHeader scan(byte[] b, ImageLimits limits) {
        int pos = 2;
        int width = -1;
        int height = -1;
        int components = 0;
        int precision = 8;
        boolean arithmetic = false;
        int orientation = 1;
        int adobeTransform = -1;
        int scans = 0;
        long metadata = 0;
        boolean ended = false;
        Splice out = new Splice(b);
        while (pos < b.length) {
            int fill = pos;
            while (pos < b.length && (b[pos] & 0xff) != 0xff) {
                pos++; // stray bytes where a marker belongs: libjpeg and Pillow skip them with a warning
            }
            while (pos < b.length && (b[pos] & 0xff) == 0xff) {
                pos++;
            }
            if (pos >= b.length) {
                out.drop(fill, b.length); // nothing but fill bytes up to the end
                break;
            }
            int segStart = pos - 1;
            out.drop(fill, segStart); // fill bytes before the marker
            int marker = b[pos] & 0xff;
            pos++;
            if (marker == 0) {
                out.drop(fill, pos); // FF 00 is no marker: stray bytes too
                continue;
            }
            if (marker == EOI) {
                ended = true;
                out.drop(pos, b.length); // trailing data after EOI is never decoded
                break;
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
                precision = Bytes.u8(b, payload);
                height = Bytes.be16(b, payload + 1);
                width = Bytes.be16(b, payload + 3);
                components = Bytes.u8(b, payload + 5);
                arithmetic = marker >= 0xc9;
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
                out.drop(segStart, pos + len);
            }
            pos += len;
            if (marker == SOS) {
                if (width < 0) {
                    throw HeaderScanner.corrupt();
                }
                scans++;
                if (scans > limits.maxProgressiveScans()) {
                    throw new ImageRejectedException(
                            Reason.BUDGET_EXCEEDED,
                            "the JPEG has more than " + limits.maxProgressiveScans() + " scans");
                }
                pos = skipEntropyCodedData(b, pos);
            }
        }
        HeaderScanner.checkMetadata(metadata, limits);
        if (width < 0 || scans == 0) {
            throw HeaderScanner.corrupt();
        }
        // Pillow decodes a single-scan JPEG whose data is complete but whose EOI is missing (it stops reading once
        // the last row is out); libjpeg would report a premature end. With more scans both refuse it.
        boolean addEoi = !ended && scans == 1;
        byte[] decodeBytes = out.finish(addEoi ? new byte[] {(byte) 0xff, (byte) EOI} : null);
        return new ImageHeader(
                ImageFormat.JPEG,
                width,
                height,
                orientation,
                decodeBytes,
                components,
                adobeTransform,
                precision,
                false,
                scans,
                arithmetic);
    }

    /** SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
    private static boolean isSof(int marker) {
        return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    }

    /**
     * The position of the first fill byte, or of the 0xFF, of the marker that ends entropy-coded data (FF 00 is a
     * stuffed byte, FF D0-D7 a restart, which stays in the data with any fill bytes before it).
     */
    private static int skipEntropyCodedData(byte[] b, int pos) {
        int dataStart = pos;
        int n = b.length - 1;
        while (pos < n) {
            if (b[pos] == (byte) 0xff) {
                int next = b[pos + 1] & 0xff;
                if (next != 0 && !(next >= 0xd0 && next <= 0xd7) && next != 0xff) {
                    // an FF before this one is a fill byte: inside entropy-coded data every FF is followed by 00
                    int start = pos;
                    while (start > dataStart && b[start - 1] == (byte) 0xff) {
                        start--;
                    }
                    return start;
                }
                pos += next == 0xff ? 1 : 2;
            } else {
                pos++;
            }
        }
        return b.length;
    }

    /** The input with ascending byte ranges left out; copies only once something is left out. */
    private static final class Splice {

        private final byte[] in;
        private ByteArrayOutputStream out;
        private int copiedUpTo;

        Splice(byte[] in) {
            this.in = in;
        }

        void drop(int from, int to) {
            if (to <= from) {
                return;
            }
            if (out == null) {
                out = new ByteArrayOutputStream(in.length);
            }
            out.write(in, copiedUpTo, from - copiedUpTo);
            copiedUpTo = to;
        }

        byte[] finish(byte[] suffix) {
            if (out == null && suffix == null) {
                return in;
            }
            if (out == null) {
                out = new ByteArrayOutputStream(in.length + suffix.length);
            }
            out.write(in, copiedUpTo, in.length - copiedUpTo);
            if (suffix != null) {
                out.write(suffix, 0, suffix.length);
            }
            return out.toByteArray();
        }
    }
}
