package dev.inceptionclassifier.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The Java side of {@code bench/run-presets-resize.sh}: times {@link PillowResampler} on one raw RGB image, one
 * thread, for the resizes the presets perform, and prints one {@code RESULT} line per case with the MD5 of the
 * output bytes, so the script can check them against Pillow's. Lives in the image package to reach the
 * package-private resampler; compiled with the test classes by the {@code bench} Maven profile.
 */
public final class ResizeBenchmark {

    /** name:filter:outW:outH:centerCrop (0 = keep everything); the same list as bench/presets/pillow_resize.py. */
    private static final String[] CASES = {
        "tv256_full:bilinear:341:256:0",
        "tv256_crop224:bilinear:341:256:224",
        "tv342_crop299:bilinear:456:342:299",
        "facenet160:bilinear:160:160:0",
        "timm341_crop299:bicubic:454:341:299",
    };

    private ResizeBenchmark() {}

    /** Arguments: raw RGB file, width, height, measured iterations, warm-up iterations. */
    public static void main(String[] args) throws Exception {
        Path raw = Path.of(args[0]);
        int w = Integer.parseInt(args[1]);
        int h = Integer.parseInt(args[2]);
        int iterations = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        byte[] src = Files.readAllBytes(raw);
        if (src.length != w * h * 3) {
            throw new IllegalArgumentException(raw + " holds " + src.length + " bytes, not " + w + "x" + h + "x3");
        }
        for (String c : CASES) {
            String[] p = c.split(":");
            Interpolation filter = Interpolation.valueOf(p[1].toUpperCase(Locale.ROOT));
            int outW = Integer.parseInt(p[2]);
            int outH = Integer.parseInt(p[3]);
            int crop = Integer.parseInt(p[4]);
            // the window a center crop keeps (Python's round half to even), or the whole output
            int cw = crop == 0 ? outW : crop;
            int ch = crop == 0 ? outH : crop;
            int x0 = (int) Math.rint((outW - cw) / 2.0);
            int y0 = (int) Math.rint((outH - ch) / 2.0);
            byte[] out = null;
            for (int i = 0; i < warmup; i++) {
                out = PillowResampler.resize(filter, src, w, h, outW, outH, x0, y0, cw, ch);
            }
            long[] times = new long[iterations];
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                out = PillowResampler.resize(filter, src, w, h, outW, outH, x0, y0, cw, ch);
                times[i] = System.nanoTime() - t0;
            }
            Arrays.sort(times);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT impl=java case=%s best_ms=%.2f median_ms=%.2f n=%d md5=%s%n",
                    p[0],
                    times[0] / 1e6,
                    times[iterations / 2] / 1e6,
                    iterations,
                    HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(out)));
        }
    }
}
