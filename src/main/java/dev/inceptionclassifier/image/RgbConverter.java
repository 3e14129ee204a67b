package dev.inceptionclassifier.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Pillow's {@code convert('RGB')} on decoded pixels: raw samples, no colour management (Pillow ignores ICC profiles
 * and gamma), alpha dropped rather than composited, palettes looked up (a tRNS-transparent entry keeps its palette
 * colour), gray replicated, and samples under 8 bits scaled up as Pillow's unpackers do (2-bit x85, 4-bit x17).
 *
 * <p>16-bit samples keep their high byte: that is exactly what Pillow does for 16-bit RGB(A) and gray+alpha PNGs
 * (its {@code RGB;16B} and {@code LA;16B} unpackers). For 16-bit <em>gray</em> PNGs Pillow 9.4 opens mode
 * {@code I} and {@code convert('RGB')} clips the 16-bit value to 0..255, which turns nearly every such image white;
 * we take the high byte there too, a deliberate deviation.
 */
final class RgbConverter {

    private RgbConverter() {}

    /**
     * The image as upright-ready RGB pixels: read in place for 8-bit interleaved gray, gray+alpha, RGB, BGR, RGBA and
     * ABGR rasters (nearly every JPEG, PNG and 24-bit BMP), else converted into a new RGB buffer.
     */
    static PixelView view(BufferedImage image) {
        PixelView direct = directView(image);
        return direct != null ? direct : PixelView.rgb(toRgb(image), image.getWidth(), image.getHeight());
    }

    private static PixelView directView(BufferedImage image) {
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        boolean gray = cm.getNumColorComponents() == 1;
        if (!(cm instanceof ComponentColorModel)
                || cm.getComponentSize(0) != 8
                || !(gray
                        || cm.getNumColorComponents() == 3 && cm.getColorSpace().getType() == ColorSpace.TYPE_RGB)
                || !(raster.getDataBuffer() instanceof DataBufferByte db)
                || db.getNumBanks() != 1
                || !(raster.getSampleModel() instanceof ComponentSampleModel sm)
                || raster.getSampleModelTranslateX() != 0
                || raster.getSampleModelTranslateY() != 0) {
            return null;
        }
        int[] bands = sm.getBandOffsets();
        int r = bands[0];
        int g = gray ? r : bands[1];
        int b = gray ? r : bands[2];
        return new PixelView(
                db.getData(),
                image.getWidth(),
                image.getHeight(),
                db.getOffset(),
                sm.getPixelStride(),
                sm.getScanlineStride(),
                r,
                g,
                b);
    }

    static byte[] toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            palette(raster, icm, w, h, out);
        } else if (cm instanceof ComponentColorModel
                && (cm.getNumColorComponents() == 3 && cm.getColorSpace().getType() == ColorSpace.TYPE_RGB
                        || cm.getNumColorComponents() == 1)) {
            components(raster, cm.getNumColorComponents() == 1, cm.getComponentSize(0), w, h, out);
        } else {
            // packed (BMP 16/32-bit) and anything exotic: the colour model's own sRGB view
            int[] row = new int[w];
            int o = 0;
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = row[x];
                    out[o++] = (byte) (argb >> 16);
                    out[o++] = (byte) (argb >> 8);
                    out[o++] = (byte) argb;
                }
            }
        }
        return out;
    }

    private static void components(Raster raster, boolean gray, int bits, int w, int h, byte[] out) {
        if (bits == 8
                && raster.getDataBuffer() instanceof DataBufferByte db
                && db.getNumBanks() == 1
                && raster.getSampleModel() instanceof ComponentSampleModel sm
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0) {
            byte[] data = db.getData();
            int pixelStride = sm.getPixelStride();
            int scanline = sm.getScanlineStride();
            int[] bandOffsets = sm.getBandOffsets();
            int base = db.getOffset();
            int r = bandOffsets[0];
            int g = gray ? r : bandOffsets[1];
            int b = gray ? r : bandOffsets[2];
            int o = 0;
            for (int y = 0; y < h; y++) {
                int p = base + y * scanline;
                for (int x = 0; x < w; x++, p += pixelStride) {
                    out[o++] = data[p + r];
                    out[o++] = data[p + g];
                    out[o++] = data[p + b];
                }
            }
            return;
        }
        int bands = raster.getNumBands();
        int[] row = new int[w * bands];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0, p = 0; x < w; x++, p += bands) {
                if (gray) {
                    byte v = (byte) scale(row[p], bits);
                    out[o++] = v;
                    out[o++] = v;
                    out[o++] = v;
                } else {
                    out[o++] = (byte) scale(row[p], bits);
                    out[o++] = (byte) scale(row[p + 1], bits);
                    out[o++] = (byte) scale(row[p + 2], bits);
                }
            }
        }
    }

    private static int scale(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits > 8) {
            return v >>> (bits - 8);
        }
        return v * 255 / ((1 << bits) - 1);
    }

    private static void palette(Raster raster, IndexColorModel icm, int w, int h, byte[] out) {
        int size = icm.getMapSize();
        // Pillow's palettes have 256 entries, zero-filled past the ones the file defines
        byte[] reds = new byte[256];
        byte[] greens = new byte[256];
        byte[] blues = new byte[256];
        icm.getReds(reds);
        icm.getGreens(greens);
        icm.getBlues(blues);
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = row[x];
                if (i < 0 || i >= size || i > 255) {
                    o += 3;
                    continue;
                }
                out[o++] = reds[i];
                out[o++] = greens[i];
                out[o++] = blues[i];
            }
        }
    }

    /**
     * A four-component JPEG's raw raster (as libjpeg emits it) to RGB the way Pillow does: YCCK is first turned into
     * CMYK with libjpeg's integer tables, then Pillow assumes Adobe's inverted CMYK ({@code CMYK;I}) and converts
     * naively ({@code cmyk2rgb}), ignoring any ICC profile.
     */
    static byte[] cmykToRgb(Raster raster, boolean ycck) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w * 4];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int p = 0; p < row.length; p += 4, o += 3) {
                int c0 = row[p];
                int c1 = row[p + 1];
                int c2 = row[p + 2];
                if (ycck) {
                    int luma = c0;
                    int cb = c1 - 128;
                    int cr = c2 - 128;
                    // libjpeg ycck_cmyk_convert, then undone by Pillow's inversion: C = 255 - (255 - R) = R
                    c0 = 255 - clamp(luma + ((CR_R * cr + HALF) >> SCALE));
                    c1 = 255 - clamp(luma + ((CB_G * cb + HALF + CR_G * cr) >> SCALE));
                    c2 = 255 - clamp(luma + ((CB_B * cb + HALF) >> SCALE));
                }
                invertedCmykToRgb(c0, c1, c2, row[p + 3], out, o);
            }
        }
        return out;
    }

    /**
     * libjpeg's CMYK output (TurboJPEG's {@code PF_CMYK}: YCCK already converted by libjpeg, exactly as Pillow's
     * decoder receives it) to RGB as Pillow does.
     */
    static byte[] cmykToRgb(byte[] cmyk, int w, int h) {
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        for (int p = 0, o = 0; o < out.length; p += 4, o += 3) {
            invertedCmykToRgb(cmyk[p] & 0xff, cmyk[p + 1] & 0xff, cmyk[p + 2] & 0xff, cmyk[p + 3] & 0xff, out, o);
        }
        return out;
    }

    /** Pillow: {@code CMYK;I} inverts the raw values, then {@code cmyk2rgb}. */
    private static void invertedCmykToRgb(int c0, int c1, int c2, int k, byte[] out, int o) {
        int c = 255 - c0;
        int m = 255 - c1;
        int yel = 255 - c2;
        int nk = k; // 255 - (255 - raw K)
        out[o] = (byte) clamp(nk - mulDiv255(c, nk));
        out[o + 1] = (byte) clamp(nk - mulDiv255(m, nk));
        out[o + 2] = (byte) clamp(nk - mulDiv255(yel, nk));
    }

    private static final int SCALE = 16;
    private static final int HALF = 1 << (SCALE - 1);
    private static final int CR_R = fix(1.40200);
    private static final int CB_B = fix(1.77200);
    private static final int CR_G = -fix(0.71414);
    private static final int CB_G = -fix(0.34414);

    private static int fix(double x) {
        return (int) (x * (1L << SCALE) + 0.5);
    }

    private static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
