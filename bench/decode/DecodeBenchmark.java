package dev.inceptionclassifier.bench;

import dev.inceptionclassifier.image.DecodeMemoryBudget;
import dev.inceptionclassifier.image.ImageLimits;
import dev.inceptionclassifier.image.ImagePipeline;
import dev.inceptionclassifier.image.JpegBackend;
import dev.inceptionclassifier.image.PreparedImage;
import dev.inceptionclassifier.image.PreprocessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decode + preprocess of one JPEG as the service does it ({@link ImagePipeline#prepare}: header scan, decode,
 * Pillow-exact antialiased bicubic resize, center crop, normalisation to CHW float32), with TurboJPEG and with
 * ImageIO, alternating decoders every iteration. Not a test: bench/run-decode.sh runs it next to Pillow.
 *
 * <pre>java -cp target/classes:... dev.inceptionclassifier.bench.DecodeBenchmark --image photo.jpg
 *     [--iterations 15] [--warmup 8] [--decoders turbojpeg,imageio] [--crop-pct 0.875]</pre>
 *
 * Prints one {@code DECODE decoder=... decode_ms_median=... preprocess_ms_median=... total_ms_median=...} line per
 * decoder (decode includes the header scan; preprocess is resize + crop + normalise).
 */
public final class DecodeBenchmark {

    private DecodeBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (!opt.containsKey("image")) {
            System.err.println("usage: DecodeBenchmark --image FILE [--iterations 15] [--warmup 8]"
                    + " [--decoders turbojpeg,imageio] [--crop-pct 0.875]");
            System.exit(2);
        }
        Path image = Path.of(opt.get("image"));
        byte[] jpeg = Files.readAllBytes(image);
        int iterations = Integer.parseInt(opt.getOrDefault("iterations", "15"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "8"));
        PreprocessSpec spec = PreprocessSpec.inception(Double.parseDouble(opt.getOrDefault("crop-pct", "0.875")));
        Map<String, ImagePipeline> pipelines = new LinkedHashMap<>();
        for (String d : opt.getOrDefault("decoders", "turbojpeg,imageio").split(",")) {
            JpegBackend backend = d.equals("imageio")
                    ? JpegBackend.imageIo()
                    : JpegBackend.select(JpegBackend.Choice.parse(d), null, null);
            System.out.println("# " + d + ": " + backend.description());
            pipelines.put(d, new ImagePipeline(ImageLimits.defaults(), backend, DecodeMemoryBudget.unlimited()));
        }
        Map<String, float[]> inputs = new LinkedHashMap<>();
        PreparedImage first = null;
        for (var e : pipelines.entrySet()) {
            for (int i = 0; i < warmup; i++) {
                PreparedImage p = e.getValue().prepare(jpeg, spec);
                inputs.put(e.getKey(), p.input());
                first = p;
            }
        }
        Map<String, List<long[]>> samples = new LinkedHashMap<>();
        pipelines.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
        List<String> order = new ArrayList<>(pipelines.keySet());
        for (int i = 0; i < iterations; i++) {
            for (String d : order) {
                PreparedImage p = pipelines.get(d).prepare(jpeg, spec);
                samples.get(d).add(new long[] {p.decodeNanos(), p.preprocessNanos()});
            }
            java.util.Collections.reverse(order); // neither decoder always runs first
        }
        System.out.printf(
                Locale.ROOT,
                "# image %s, %d bytes, %dx%d; %s; %d iterations after %d warm-up; java %s, %d cores%n",
                image.getFileName(),
                jpeg.length,
                first.width(),
                first.height(),
                spec,
                iterations,
                warmup,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        if (inputs.size() == 2) {
            float[][] in = inputs.values().toArray(new float[0][]);
            double max = 0;
            for (int i = 0; i < in[0].length; i++) {
                max = Math.max(max, Math.abs(in[0][i] - in[1][i]));
            }
            System.out.printf(
                    Locale.ROOT,
                    "# largest difference between the decoders' model inputs: %.3g (%.2f uint8 levels)%n",
                    max,
                    max * 127.5);
        }
        for (var e : samples.entrySet()) {
            double[] decode =
                    e.getValue().stream().mapToDouble(s -> s[0] / 1e6).sorted().toArray();
            double[] pre =
                    e.getValue().stream().mapToDouble(s -> s[1] / 1e6).sorted().toArray();
            double[] total = e.getValue().stream()
                    .mapToDouble(s -> (s[0] + s[1]) / 1e6)
                    .sorted()
                    .toArray();
            System.out.printf(
                    Locale.ROOT,
                    "DECODE decoder=%s image=%s decode_ms_median=%.1f decode_ms_min=%.1f"
                            + " preprocess_ms_median=%.1f preprocess_ms_min=%.1f total_ms_median=%.1f total_ms_min=%.1f n=%d%n",
                    e.getKey(),
                    image.getFileName(),
                    median(decode),
                    decode[0],
                    median(pre),
                    pre[0],
                    median(total),
                    total[0],
                    total.length);
        }
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
