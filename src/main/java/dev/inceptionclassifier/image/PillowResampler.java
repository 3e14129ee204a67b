package dev.inceptionclassifier.image;

/**
 * Pillow 9.4's {@code Image.resize(size, BICUBIC)} and {@code Image.resize(size, BILINEAR)} for 8-bit RGB
 * ({@code libImaging/Resample.c}), reproduced integer for integer: Keys bicubic kernel with a = -0.5 and support 2,
 * or the triangle kernel with support 1, widened by the scale factor when shrinking (antialiasing); per output
 * pixel the bounds {@code xmin/xmax} and weights are computed in double exactly as {@code precompute_coeffs} does,
 * normalised, then turned into 22-bit fixed point ({@code PRECISION_BITS} = 32 - 8 - 2, rounded half away from
 * zero); each sum starts at {@code 1 << 21} and is clipped to 0..255 after {@code >> 22}. The horizontal pass runs
 * first into a uint8 intermediate, then the vertical one; a pass is skipped when its dimension does not change.
 *
 * <p>Only the requested window of the output is computed (each output pixel depends only on its own coefficients,
 * so a window of the full resize is bit-identical to cropping it afterwards).
 */
final class PillowResampler {

    static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double A = -0.5;

    private PillowResampler() {}

    /** Bounds and fixed-point weights of {@code count} consecutive output positions starting at {@code first}. */
    record Coefficients(int ksize, int[] xmin, int[] xcount, int[] weights) {}

    static double bicubic(double x) {
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0.0;
    }

    static double bilinear(double x) {
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return 1.0 - x;
        }
        return 0.0;
    }

    /** The filter's support before widening ({@code struct filter} in Resample.c). */
    private static double support(Interpolation filter) {
        return switch (filter) {
            case BICUBIC -> 2.0;
            case BILINEAR -> 1.0;
        };
    }

    private static double weight(Interpolation filter, double x) {
        return switch (filter) {
            case BICUBIC -> bicubic(x);
            case BILINEAR -> bilinear(x);
        };
    }

    static Coefficients coefficients(Interpolation filter, int inSize, int outSize, int first, int count) {
        double scale = (double) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = support(filter) * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] xmins = new int[count];
        int[] xcounts = new int[count];
        int[] weights = new int[Math.multiplyExact(count, ksize)];
        double[] k = new double[ksize];
        double ss = 1.0 / filterscale;
        for (int i = 0; i < count; i++) {
            int xx = first + i;
            double center = (xx + 0.5) * scale;
            double ww = 0.0;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            for (int x = 0; x < xmax; x++) {
                double w = weight(filter, (x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    k[x] /= ww;
                }
                double v = k[x] * (1 << PRECISION_BITS);
                weights[i * ksize + x] = k[x] < 0 ? (int) (-0.5 + v) : (int) (0.5 + v);
            }
            xmins[i] = xmin;
            xcounts[i] = xmax;
        }
        return new Coefficients(ksize, xmins, xcounts, weights);
    }

    /**
     * Resizes interleaved RGB {@code src} ({@code inW x inH}) to {@code outW x outH} with {@code filter} and returns
     * the window {@code [x0, x0 + w) x [y0, y0 + h)} of the result as interleaved RGB.
     */
    static byte[] resize(
            Interpolation filter, byte[] src, int inW, int inH, int outW, int outH, int x0, int y0, int w, int h) {
        return resize(filter, PixelView.rgb(src, inW, inH), outW, outH, x0, y0, w, h);
    }

    /**
     * Resizes the upright image {@code src} to {@code outW x outH} with {@code filter} and returns the window
     * {@code [x0, x0 + w) x [y0, y0 + h)} of the result as interleaved RGB. Reading through the view gives the same
     * bytes as resizing {@code src.toRgb()}: only the addressing of the source differs.
     */
    static byte[] resize(Interpolation filter, PixelView src, int outW, int outH, int x0, int y0, int w, int h) {
        if (x0 < 0 || y0 < 0 || w < 1 || h < 1 || x0 + w > outW || y0 + h > outH) {
            throw new IllegalArgumentException("window outside the resized image");
        }
        int inW = src.width();
        int inH = src.height();
        boolean horizontal = outW != inW;
        boolean vertical = outH != inH;
        Coefficients vert = vertical ? coefficients(filter, inH, outH, y0, h) : null;
        // source rows the window needs; bounds grow monotonically with the output row
        int rowFirst = vertical ? vert.xmin()[0] : y0;
        int rowEnd = vertical ? vert.xmin()[h - 1] + vert.xcount()[h - 1] : y0 + h;
        int rows = rowEnd - rowFirst;
        byte[] tmp = horizontal
                ? horizontalPass(src, coefficients(filter, inW, outW, x0, w), rowFirst, rows, w)
                : copyRows(src, x0, rowFirst, rows, w);
        return vertical ? verticalPass(tmp, w, vert, rowFirst, h) : tmp;
    }

    /**
     * An upper bound of the bytes {@link #resize} allocates for a window {@code w x h} of an {@code inW x inH} to
     * {@code outW x outH} resize: the horizontal pass's rows, the coefficients, the vertical pass's output.
     */
    static long workingBytes(int inW, int inH, int outW, int outH, int w, int h) {
        long rows = inH; // the rows the window needs are at most all of them
        long tmp = rows * w * 3;
        long horizontalCoefficients =
                (long) w * (kernelSize(inW, outW) + 2) * Integer.BYTES + (long) kernelSize(inW, outW) * Double.BYTES;
        long verticalCoefficients =
                (long) h * (kernelSize(inH, outH) + 2) * Integer.BYTES + (long) kernelSize(inH, outH) * Double.BYTES;
        long out = (long) w * h * 3 + (long) w * 3 * Integer.BYTES;
        return tmp + horizontalCoefficients + verticalCoefficients + out;
    }

    private static int kernelSize(int inSize, int outSize) {
        double filterscale = Math.max((double) inSize / outSize, 1.0);
        // bicubic's support, the widest filter's, so the bound holds for every filter
        return (int) Math.ceil(support(Interpolation.BICUBIC) * filterscale) * 2 + 1;
    }

    private static byte[] copyRows(PixelView src, int x0, int rowFirst, int rows, int w) {
        byte[] data = src.data();
        int xs = src.xStride();
        int r = src.red();
        int g = src.green();
        int b = src.blue();
        byte[] out = new byte[rows * w * 3];
        int o = 0;
        for (int yy = 0; yy < rows; yy++) {
            int p = src.base() + (rowFirst + yy) * src.yStride() + x0 * xs;
            for (int xx = 0; xx < w; xx++, p += xs) {
                out[o++] = data[p + r];
                out[o++] = data[p + g];
                out[o++] = data[p + b];
            }
        }
        return out;
    }

    private static byte[] horizontalPass(PixelView src, Coefficients c, int rowFirst, int rows, int w) {
        byte[] data = src.data();
        int xs = src.xStride();
        int ys = src.yStride();
        int r = src.red();
        int g = src.green();
        int b = src.blue();
        byte[] out = new byte[rows * w * 3];
        int ksize = c.ksize();
        int[] weights = c.weights();
        int[] xmins = c.xmin();
        int[] xcounts = c.xcount();
        int o = 0;
        for (int yy = 0; yy < rows; yy++) {
            int rowStart = src.base() + (rowFirst + yy) * ys;
            for (int xx = 0; xx < w; xx++) {
                int n = xcounts[xx];
                int kk = xx * ksize;
                int p = rowStart + xmins[xx] * xs;
                int s0 = 1 << (PRECISION_BITS - 1);
                int s1 = s0;
                int s2 = s0;
                for (int x = 0; x < n; x++, p += xs) {
                    int k = weights[kk + x];
                    s0 += (data[p + r] & 0xff) * k;
                    s1 += (data[p + g] & 0xff) * k;
                    s2 += (data[p + b] & 0xff) * k;
                }
                out[o++] = clip8(s0);
                out[o++] = clip8(s1);
                out[o++] = clip8(s2);
            }
        }
        return out;
    }

    private static byte[] verticalPass(byte[] tmp, int w, Coefficients c, int rowFirst, int h) {
        int stride = w * 3;
        byte[] out = new byte[h * stride];
        int[] acc = new int[stride];
        int ksize = c.ksize();
        int[] weights = c.weights();
        for (int yy = 0; yy < h; yy++) {
            java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            int n = c.xcount()[yy];
            int first = c.xmin()[yy] - rowFirst;
            for (int y = 0; y < n; y++) {
                int k = weights[yy * ksize + y];
                int p = (first + y) * stride;
                for (int i = 0; i < stride; i++) {
                    acc[i] += (tmp[p + i] & 0xff) * k;
                }
            }
            int o = yy * stride;
            for (int i = 0; i < stride; i++) {
                out[o + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    private static byte clip8(int v) {
        int s = v >> PRECISION_BITS;
        return (byte) (s < 0 ? 0 : Math.min(s, 255));
    }
}
