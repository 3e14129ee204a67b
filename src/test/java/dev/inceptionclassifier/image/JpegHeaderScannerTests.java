package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoders get a normalised JPEG stream: fill bytes, stray bytes between segments, removable metadata segments
 * and trailing data are gone, and a single-scan JPEG without EOI gets one. Each variant of the conformance corpus made
 * from {@code pillow-420.jpg} therefore reaches the decoder as the very same bytes, so TurboJPEG (which refuses
 * warnings in headers) decodes them itself instead of handing them to ImageIO.
 */
class JpegHeaderScannerTests {

    private static final ImageLimits LIMITS = ImageLimits.defaults();

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "fill-bytes.jpg",
                "fill-bytes-many-segments.jpg",
                "large-segments.jpg",
                "stray-bytes-between-segments.jpg",
                "trailing-garbage.jpg",
                "no-eoi.jpg",
                "exif-orientation-6.jpg"
            })
    void variantsReachTheDecoderAsTheOriginal(String file) {
        byte[] original = JpegConformanceTests.bytes("pillow-420.jpg");
        ImageHeader base = JpegHeaderScanner.scan(original, LIMITS);
        assertThat(base.decodeBytes())
                .as("nothing to normalise in the original")
                .isSameAs(original);
        ImageHeader variant = JpegHeaderScanner.scan(JpegConformanceTests.bytes(file), LIMITS);
        assertThat(variant.decodeBytes()).isEqualTo(original);
        assertThat(variant.width()).isEqualTo(97);
        assertThat(variant.height()).isEqualTo(61);
        assertThat(variant.scans()).isEqualTo(1);
    }

    @Test
    void fillBytesBeforeRestartMarkersStayInTheScanData() {
        byte[] withFill = JpegConformanceTests.bytes("restart-fill-bytes.jpg");
        ImageHeader h = JpegHeaderScanner.scan(withFill, LIMITS);
        assertThat(h.decodeBytes()).isSameAs(withFill);
    }

    @Test
    void frameCodingAndScansAreRecorded() {
        ImageHeader arithmetic =
                JpegHeaderScanner.scan(JpegConformanceTests.bytes("cjpeg-arithmetic-progressive.jpg"), LIMITS);
        assertThat(arithmetic.arithmetic()).isTrue();
        assertThat(arithmetic.scans()).isGreaterThan(1);
        assertThat(arithmetic.components()).isEqualTo(3);
        assertThat(arithmetic.bitDepth()).isEqualTo(8);
        ImageHeader huffman = JpegHeaderScanner.scan(JpegConformanceTests.bytes("pillow-gray.jpg"), LIMITS);
        assertThat(huffman.arithmetic()).isFalse();
        assertThat(huffman.components()).isEqualTo(1);
        // a progressive JPEG without EOI gets none: libjpeg and Pillow both refuse it as truncated
        byte[] progressiveNoEoi = JpegConformanceTests.bytes("progressive-no-eoi.jpg");
        assertThat(JpegHeaderScanner.scan(progressiveNoEoi, LIMITS).decodeBytes())
                .isSameAs(progressiveNoEoi);
    }
}
