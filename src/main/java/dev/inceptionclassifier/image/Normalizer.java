package dev.inceptionclassifier.image;

/**
 * torchvision's {@code ToTensor} then {@code Normalize}, in float32 as torch computes them:
 * {@code ((v / 255f) * valueRange - mean[c]) / std[c]}, written channel-first (CHW) in the spec's channel order.
 * With {@code valueRange} 1 the multiplication is skipped (it is exact anyway); with 255 it is Cadene's
 * {@code ToRange255} ({@code (v / 255f) * 255f == v} for every uint8 v, so it also equals facenet's float32 pixels).
 * A 256-entry table per channel keeps the inner loop to a lookup.
 */
final class Normalizer {

    private Normalizer() {}

    static float[] toChw(byte[] rgb, int pixels, PreprocessSpec spec) {
        float[] mean = spec.mean();
        float[] std = spec.std();
        boolean range255 = spec.valueRange() == 255;
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                float x = v / 255f;
                if (range255) {
                    x *= 255f;
                }
                lut[c][v] = (x - mean[c]) / std[c];
            }
        }
        // output plane c reads source channel c (RGB) or 2 - c (BGR: Cadene's ToSpaceBGR swaps planes 0 and 2)
        boolean bgr = spec.channelOrder() == ChannelOrder.BGR;
        int redPlane = bgr ? 2 : 0;
        int bluePlane = bgr ? 0 : 2;
        float[] r = lut[redPlane];
        float[] g = lut[1];
        float[] b = lut[bluePlane];
        int rOff = redPlane * pixels;
        int gOff = pixels;
        int bOff = bluePlane * pixels;
        float[] out = new float[3 * pixels];
        for (int i = 0, p = 0; i < pixels; i++, p += 3) {
            out[rOff + i] = r[rgb[p] & 0xff];
            out[gOff + i] = g[rgb[p + 1] & 0xff];
            out[bOff + i] = b[rgb[p + 2] & 0xff];
        }
        return out;
    }
}
