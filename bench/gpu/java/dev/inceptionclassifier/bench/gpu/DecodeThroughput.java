package dev.inceptionclassifier.bench.gpu;

import dev.inceptionclassifier.image.DecodeMemoryBudget;
import dev.inceptionclassifier.image.ImageLimits;
import dev.inceptionclassifier.image.ImagePipeline;
import dev.inceptionclassifier.image.JpegBackend;
import dev.inceptionclassifier.image.PreparedImage;
import dev.inceptionclassifier.image.PreprocessSpec;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * Can the CPU keep the GPU fed: decode + preprocess ({@link ImagePipeline#prepare}, as the service's request path
 * does it) of the load generator's image mix, on 1, 4, 8, 16 threads, each thread taking the next image round-robin,
 * for a fixed time per thread count. Uses only the {@code image} package, so it runs on a small jlinked runtime.
 * The images are generated in memory with the load generator's picture formula (bench/src/.../ImageCorpus), so
 * nothing large travels.
 *
 * <pre>java -cp image-bench.jar:lib/* dev.inceptionclassifier.bench.gpu.DecodeThroughput
 *     [--threads 1,4,8,16] [--seconds 4] [--decoders auto,imageio] [--images 48] [--crop-pct 0.875]
 *     [--turbojpeg-jar turbojpeg.jar --turbojpeg-lib libturbojpeg.so.0]</pre>
 *
 * Prints one {@code DECODE_THROUGHPUT decoder=... threads=... images=... img_per_s=...} line per measurement.
 */
public final class DecodeThroughput {

    /** The load generator's default mix: thumbnails to camera photos, landscape, portrait, an extreme ratio. */
    private static final int[][] SIZES = {
        {64, 64},
        {299, 299},
        {320, 240},
        {500, 375},
        {375, 500},
        {640, 480},
        {800, 600},
        {1024, 768},
        {1280, 720},
        {1200, 300},
        {1600, 1200},
        {2048, 1536}
    };

    private DecodeThroughput() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int[] threads = java.util.Arrays.stream(
                        opt.getOrDefault("threads", "1,4,8,16").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        double seconds = Double.parseDouble(opt.getOrDefault("seconds", "4"));
        int count = Integer.parseInt(opt.getOrDefault("images", "48"));
        PreprocessSpec spec = PreprocessSpec.inception(Double.parseDouble(opt.getOrDefault("crop-pct", "0.875")));
        List<byte[]> images = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            int[] s = SIZES[i % SIZES.length];
            images.add(jpeg(picture(s[0], s[1], i)));
            bytes += images.get(i).length;
        }
        System.out.printf(
                Locale.ROOT,
                "# %d JPEGs (load generator mix, %d sizes 64x64 to 2048x1536), %d bytes; %s; java %s; %d cores%n",
                count,
                SIZES.length,
                bytes,
                spec,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        for (String d : opt.getOrDefault("decoders", "auto,imageio").split(",")) {
            JpegBackend backend = d.equals("imageio")
                    ? JpegBackend.imageIo()
                    : JpegBackend.select(
                            JpegBackend.Choice.parse(d),
                            path(opt.get("turbojpeg-jar")),
                            path(opt.get("turbojpeg-lib")));
            ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults(), backend, DecodeMemoryBudget.unlimited());
            System.out.println("# decoder " + d + ": " + backend.description());
            for (byte[] img : images) { // warm-up: every size once, JIT and native library loading
                pipeline.prepare(img, spec);
            }
            for (int t : threads) {
                double[] r = measure(pipeline, images, spec, t, seconds);
                System.out.printf(
                        Locale.ROOT,
                        "DECODE_THROUGHPUT decoder=%s used=%s threads=%d images=%d seconds=%.2f img_per_s=%.1f%n",
                        d,
                        pipeline.jpegDecoder(),
                        t,
                        (long) r[0],
                        r[1],
                        r[0] / r[1]);
            }
        }
    }

    private static java.nio.file.Path path(String p) {
        return p == null || p.isEmpty() ? null : java.nio.file.Path.of(p);
    }

    /** Returns {images prepared, seconds}. */
    private static double[] measure(
            ImagePipeline pipeline, List<byte[]> images, PreprocessSpec spec, int threads, double seconds)
            throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        double[] checksum = new double[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(new Thread(
                    () -> {
                        try {
                            while (!stop.get()) {
                                byte[] img = images.get((int) (next.getAndIncrement() % images.size()));
                                PreparedImage p = pipeline.prepare(img, spec);
                                checksum[id] += p.input()[0]; // keeps the work observable
                                done.incrementAndGet();
                            }
                        } finally {
                            finished.countDown();
                        }
                    },
                    "decode-" + t));
        }
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep((long) (seconds * 1000));
        long n = done.get();
        long end = System.nanoTime();
        stop.set(true);
        finished.await();
        return new double[] {n, (end - start) / 1e9};
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "jpg", out)) {
            throw new IllegalStateException("the runtime has no JPEG writer");
        }
        return out.toByteArray();
    }

    /** The load generator's photo-like picture (bench/src/.../ImageCorpus#picture), the same pixels. */
    static BufferedImage picture(int width, int height, int variant) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        Random rnd = new Random(variant * 7919L + width * 31L + height);
        double fx = 2 * Math.PI * (1 + rnd.nextInt(4)) / width;
        double fy = 2 * Math.PI * (1 + rnd.nextInt(4)) / height;
        int cx = rnd.nextInt(width);
        int cy = rnd.nextInt(height);
        int radius = Math.max(2, Math.min(width, height) / (2 + rnd.nextInt(3)));
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int noise = rnd.nextInt(25) - 12;
                int r = clamp((int) (128 + 100 * Math.sin(fx * x + variant)) + noise);
                int g = clamp((int) (128 + 100 * Math.sin(fy * y - variant)) + noise);
                int b = clamp(((x / 24 + y / 24 + variant) & 1) * 120 + 60 + noise);
                long dx = x - cx;
                long dy = y - cy;
                if (dx * dx + dy * dy < (long) radius * radius) {
                    r = clamp(255 - r);
                    b = clamp(b / 2 + 100);
                }
                px[y * width + x] = (r << 16) | (g << 8) | b;
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }
}
