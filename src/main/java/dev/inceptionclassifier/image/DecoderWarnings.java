package dev.inceptionclassifier.image;

/**
 * Which libjpeg warnings leave a complete, correct image. Every other warning ("premature end of data segment",
 * "bad Huffman code", a premature end of file...) means lost data and fails the decode, through either decoder.
 */
final class DecoderWarnings {

    private DecoderWarnings() {}

    /**
     * "Corrupt JPEG data: N extraneous bytes before marker 0xXX": padding between the end of entropy-coded data and
     * the next marker, which libjpeg skips without losing a pixel (Pillow decodes such files).
     */
    static boolean isBenign(String warning) {
        return warning != null && warning.contains("extraneous bytes before marker");
    }
}
