package dev.inceptionclassifier.image;

/**
 * torchvision's {@code ToTensor} then {@code Normalize}, in float32 as torch computes them:
 * {@code ((v / 255f) - mean[c]) / std[c]}, written channel-first (CHW). A 256-entry table per channel keeps the
 * inner loop to a lookup.
 */
final class Normalizer {

    private Normalizer() {
    }

    static float[] toChw(byte[] rgb, int pixels, float[] mean, float[] std) {
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (v / 255f - mean[c]) / std[c];
            }
        }
        float[] out = new float[3 * pixels];
        float[] r = lut[0];
        float[] g = lut[1];
        float[] b = lut[2];
        for (int i = 0, p = 0; i < pixels; i++, p += 3) {
            out[i] = r[rgb[p] & 0xff];
            out[pixels + i] = g[rgb[p + 1] & 0xff];
            out[2 * pixels + i] = b[rgb[p + 2] & 0xff];
        }
        return out;
    }
}
