package dev.inceptionclassifier.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.inceptionclassifier.model.Execution;
import dev.inceptionclassifier.model.Networks;
import dev.inceptionclassifier.model.Precision;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import dev.inceptionclassifier.model.checkpoint.SafetensorsReader;
import dev.inceptionclassifier.model.checkpoint.TorchScriptLoader;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The ceiling the service is measured against: the same network, seeded random weights and batch sizes through
 * {@code Predictor.batchPredict} in this process, with no HTTP, no decoding and no queue. Inputs are preprocessed
 * CHW float arrays as the service's workers receive them. The network runs compiled (the service's default) or eager,
 * in fp32 or bf16; {@code --torchscript} runs any TorchScript file instead (e.g. timm's network traced by
 * {@code bench/python/export_timm_torchscript.py}) through the same Predictor. Run {@code bench/run-engine.sh --help}.
 */
public final class EngineBenchmark {

    private static final String USAGE = """
            usage: run-engine.sh [options]
              --arch NAME        inception_v4 (default), inception_resnet_v2, inception_v3, googlenet,
                                 bninception or inception_resnet_v1 (its 512-d embedding); a comma-separated list
                                 loads them all and times them side by side in this process, alternating blocks of
                                 3 batches, each at its native input size, and prints FAMILY lines with img/s and
                                 the ratio to the first architecture of the list
              --batches LIST     batch sizes, e.g. 1,4,8 (default)
              --seconds S        measured seconds per batch size (default 20; at least 3 batches each)
              --warmup N         unmeasured batches per batch size first (default 2)
              --execution MODE   compiled (default, as the service runs) or eager (DJL blocks op by op)
              --precision P      fp32 (default) or bf16 (compiled only; needs avx512_bf16 or amx_bf16)
              --bn MODE          eager only: folded (default), unfolded, or both
              --torchscript FILE run this TorchScript file (float32 NCHW in, logits out) instead of the built-in
                                 network; --arch then only labels the output lines
              --label TEXT       execution name printed for --torchscript (default: the file name); --precision
                                 then only labels the lines: the file computes in what it was exported in
              --weights FILE     a timm model.safetensors (e.g. the one export_timm_torchscript.py writes next to its
                                 TorchScript files) instead of seeded random weights, so that every row of a
                                 comparison computes with the same numbers
              --versus FILE      instead of timing one network after the other, time the built-in network and this
                                 TorchScript file in the same process, alternating blocks of 3 batches, so that both
                                 see the same machine load; prints VERSUS lines with the ratio of the medians
              --threads N        ai.djl.pytorch.num_threads (default: all cores, as one service worker gets)
              --classes N        output classes (default 1000)
              --input-size N     square input side (default: the architecture's native size, 299, 224 or 160)
              --input KIND       picture (default: photo-like gradients normalised to [-1, 1], as the service's
                                 preprocessing produces) or gaussian (N(0, 1) noise)
            """;

    private EngineBenchmark() {}

    public static void main(String[] args) throws Exception {
        String arch = "inception_v4";
        int[] batches = {1, 4, 8};
        double seconds = 20;
        int warmup = 2;
        String bn = "folded";
        int threads = Runtime.getRuntime().availableProcessors();
        int classes = 1000;
        Integer inputSizeOption = null;
        String input = "picture";
        String execution = "compiled";
        String precision = "fp32";
        String torchscript = null;
        String label = null;
        String versus = null;
        String weights = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.print(USAGE);
                return;
            }
            if (i + 1 >= args.length) {
                fail("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--arch" -> arch = v;
                case "--batches" ->
                    batches = Arrays.stream(v.split(","))
                            .mapToInt(s -> Integer.parseInt(s.trim()))
                            .toArray();
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--bn" -> bn = v;
                case "--threads" -> threads = Integer.parseInt(v);
                case "--classes" -> classes = Integer.parseInt(v);
                case "--input-size" -> inputSizeOption = Integer.parseInt(v);
                case "--input" -> input = v;
                case "--execution" -> execution = v;
                case "--precision" -> precision = v;
                case "--torchscript" -> torchscript = v;
                case "--label" -> label = v;
                case "--versus" -> versus = v;
                case "--weights" -> weights = v;
                default -> fail("unknown option " + a);
            }
        }
        if (!List.of("picture", "gaussian").contains(input)) {
            fail("--input must be picture or gaussian");
        }
        if (!List.of("folded", "unfolded", "both").contains(bn)) {
            fail("--bn must be folded, unfolded or both");
        }
        if (!List.of("compiled", "eager").contains(execution)
                || !List.of("fp32", "bf16").contains(precision)) {
            fail("--execution must be compiled or eager, --precision fp32 or bf16");
        }
        if (torchscript == null && execution.equals("eager") && !precision.equals("fp32")) {
            fail("the eager execution runs fp32 only");
        }
        // DJL reads these once, when the engine first loads; nothing has touched DJL yet.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        Engine engine = Engine.getEngine("PyTorch");
        if (arch.contains(",")) {
            if (torchscript != null
                    || versus != null
                    || weights != null
                    || execution.equals("eager") && !bn.equals("folded")) {
                fail("a list of architectures takes neither --torchscript, --versus, --weights nor --bn");
            }
            System.out.printf(
                    Locale.ROOT,
                    "engine %s %s, DJL %s; %s %s, seeded random weights, %s input at each "
                            + "architecture's native size; ai.djl.pytorch.num_threads=%d, num_interop_threads=1; "
                            + "%d cores; load average %s%n",
                    engine.getEngineName(),
                    engine.getVersion(),
                    Engine.getDjlVersion(),
                    execution,
                    precision,
                    input,
                    threads,
                    Runtime.getRuntime().availableProcessors(),
                    loadAverage());
            sideBySide(
                    Arrays.stream(arch.split(","))
                            .map(String::trim)
                            .map(Architecture::fromTimmName)
                            .toList(),
                    classes,
                    Execution.parse(execution),
                    Precision.parse(precision),
                    batches,
                    inputSizeOption,
                    input,
                    warmup,
                    seconds,
                    threads);
            System.out.println("load average after: " + loadAverage());
            return;
        }
        Architecture architecture = Architecture.fromTimmName(arch);
        int inputSize = inputSizeOption != null ? inputSizeOption : architecture.inputSize();
        System.out.printf(
                Locale.ROOT,
                "engine %s %s, DJL %s; %s, %d classes, %s input %dx%d, %s; "
                        + "ai.djl.pytorch.num_threads=%d, num_interop_threads=1; %d cores; load average %s%n",
                engine.getEngineName(),
                engine.getVersion(),
                Engine.getDjlVersion(),
                arch,
                classes,
                input,
                inputSize,
                inputSize,
                torchscript != null
                        ? "TorchScript file " + torchscript
                        : weights != null ? "weights " + weights : "seeded random weights",
                threads,
                Runtime.getRuntime().availableProcessors(),
                loadAverage());

        // a TorchScript file brings its own weights
        Map<String, HostTensor> state = torchscript != null
                ? null
                : weights != null
                        ? SafetensorsReader.read(Path.of(weights))
                        : InceptionNetwork.randomStateDict(graph(architecture, classes), 42);
        if (versus != null) {
            if (torchscript != null) {
                fail("--versus compares the built-in network with a file; it does not take --torchscript");
            }
            versus(
                    arch,
                    architecture,
                    state,
                    classes,
                    Execution.parse(execution),
                    Precision.parse(precision),
                    Path.of(versus),
                    label != null ? label : Path.of(versus).getFileName().toString(),
                    batches,
                    inputSize,
                    input,
                    warmup,
                    seconds,
                    threads);
            System.out.println("load average after: " + loadAverage());
            return;
        }
        List<String> summary = new ArrayList<>();
        List<Variant> variants = new ArrayList<>();
        String modelName = arch;
        int numClasses = torchscript != null ? classes : outputs(graph(architecture, classes), inputSize);
        if (torchscript != null) {
            Path file = Path.of(torchscript);
            String name = label != null ? label : file.getFileName().toString();
            // the file decides what it computes in; --precision only labels its lines
            variants.add(new Variant(
                    name, precision, "-", () -> TorchScriptLoader.load(file, Device.cpu(), modelName), null));
        } else {
            Execution exec = Execution.parse(execution);
            Precision prec = Precision.parse(precision);
            NetworkGraph graph = graph(architecture, classes);
            List<Boolean> folds = exec == Execution.COMPILED || bn.equals("folded")
                    ? List.of(true)
                    : bn.equals("unfolded") ? List.of(false) : List.of(true, false);
            for (boolean folded : folds) {
                variants.add(new Variant(
                        execution,
                        precision,
                        folded ? "folded" : "unfolded",
                        () -> Networks.load(modelName, graph, state, prec, exec, folded, Device.cpu()),
                        exec));
            }
        }
        for (Variant variant : variants) {
            System.gc();
            String rssBefore = rssMib();
            long t0 = System.nanoTime();
            try (Model model = variant.loader().load()) {
                long loadMs = (System.nanoTime() - t0) / 1_000_000;
                System.gc();
                String rss = rssMib();
                String loadMib = delta(rssBefore, rss);
                long weightBytes = variant.run() == null ? -1 : Networks.weightBytes(model, variant.run());
                String weightsMib =
                        weightBytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", weightBytes / 1048576.0);
                try (Predictor<float[], float[]> predictor = model.newPredictor(new ArrayTranslator(inputSize))) {
                    System.out.printf(
                            Locale.ROOT,
                            "%n%s %s, BN %s: loaded in %d ms; process RSS %s MiB before the "
                                    + "model, %s MiB with it (+%s MiB); weights held by libtorch: %s MiB%n",
                            variant.execution(),
                            variant.precision(),
                            variant.bn(),
                            loadMs,
                            rssBefore,
                            rss,
                            loadMib,
                            weightsMib);
                    System.out.printf(
                            Locale.ROOT,
                            "%-6s %8s %10s %12s %12s %12s %14s%n",
                            "batch",
                            "batches",
                            "img/s",
                            "ms/batch p50",
                            "ms/batch p99",
                            "ms/image",
                            "first batch ms");
                    for (int b : batches) {
                        Row r = measure(predictor, b, inputSize, input, warmup, seconds, numClasses);
                        System.out.printf(
                                Locale.ROOT,
                                "%-6d %8d %10.2f %12.1f %12.1f %12.1f %14.0f%n",
                                b,
                                r.batches,
                                r.imagesPerSecond,
                                r.p50Ms,
                                r.p99Ms,
                                1000 / r.imagesPerSecond,
                                r.firstMs);
                        summary.add(String.format(
                                Locale.ROOT,
                                "ENGINE arch=%s execution=%s precision=%s bn=%s "
                                        + "input=%d batch=%d img_per_s=%.3f ms_per_batch_p50=%.1f threads=%d rss_mib=%s "
                                        + "load_rss_mib=%s weights_mib=%s",
                                arch,
                                variant.execution(),
                                variant.precision(),
                                variant.bn(),
                                inputSize,
                                b,
                                r.imagesPerSecond,
                                r.p50Ms,
                                threads,
                                rss,
                                loadMib,
                                weightsMib));
                    }
                }
            }
        }
        System.out.println();
        summary.forEach(System.out::println);
        System.out.println("load average after: " + loadAverage());
    }

    /** The network as the service runs it: Inception-ResNet-v1 as its embedding, the others as classifiers. */
    private static NetworkGraph graph(Architecture architecture, int classes) {
        return architecture == Architecture.INCEPTION_RESNET_V1
                ? architecture.embeddingGraph()
                : architecture.graph(classes);
    }

    private static int outputs(NetworkGraph graph, int inputSize) {
        return graph.outputShapes(inputSize, inputSize).get("").channels();
    }

    /**
     * Several architectures loaded at once and timed in one process, alternating blocks of 3 batches per batch size
     * until each has run {@code seconds}: every network sees the same machine load, so the ratios to the first one
     * hold on a busy machine even when the absolute figures do not.
     */
    private static void sideBySide(
            List<Architecture> archs,
            int classes,
            Execution execution,
            Precision precision,
            int[] batches,
            Integer inputSizeOption,
            String input,
            int warmup,
            double seconds,
            int threads)
            throws Exception {
        List<Model> models = new ArrayList<>();
        List<Predictor<float[], float[]>> predictors = new ArrayList<>();
        int[] sizes = new int[archs.size()];
        int[] outputs = new int[archs.size()];
        try {
            for (int i = 0; i < archs.size(); i++) {
                Architecture a = archs.get(i);
                NetworkGraph graph = graph(a, classes);
                sizes[i] = inputSizeOption != null ? inputSizeOption : a.inputSize();
                outputs[i] = outputs(graph, sizes[i]);
                long t0 = System.nanoTime();
                Model m = Networks.load(
                        a.timmName(),
                        graph,
                        InceptionNetwork.randomStateDict(graph, 42),
                        precision,
                        execution,
                        true,
                        Device.cpu());
                models.add(m);
                predictors.add(m.newPredictor(new ArrayTranslator(sizes[i])));
                System.out.printf(
                        Locale.ROOT,
                        "loaded %s (%s %s, input %dx%d, %d outputs) in %d ms%n",
                        a.timmName(),
                        execution.id(),
                        precision.id(),
                        sizes[i],
                        sizes[i],
                        outputs[i],
                        (System.nanoTime() - t0) / 1_000_000);
            }
            List<String> summary = new ArrayList<>();
            System.out.printf(
                    Locale.ROOT,
                    "%n%-20s %-6s %8s %12s %10s %10s%n",
                    "arch",
                    "batch",
                    "batches",
                    "ms/batch p50",
                    "img/s",
                    "vs " + archs.get(0).timmName());
            for (int batch : batches) {
                List<List<float[]>> inputs = new ArrayList<>();
                List<Histogram> hist = new ArrayList<>();
                double[] spent = new double[archs.size()];
                for (int i = 0; i < archs.size(); i++) {
                    Random rnd = new Random(batch);
                    List<float[]> in = new ArrayList<>(batch);
                    for (int j = 0; j < batch; j++) {
                        in.add(input.equals("gaussian") ? gaussian(rnd, sizes[i]) : picture(rnd, sizes[i], j));
                    }
                    inputs.add(in);
                    hist.add(new Histogram(1, TimeUnit.MINUTES.toMicros(10), 3));
                    for (int w = 0; w < Math.max(1, warmup); w++) {
                        check(predictors.get(i).batchPredict(in), batch, outputs[i]);
                    }
                }
                boolean more = true;
                while (more) {
                    more = false;
                    for (int i = 0; i < archs.size(); i++) {
                        spent[i] += block(predictors.get(i), inputs.get(i), hist.get(i), batch, outputs[i]);
                        more |= spent[i] < seconds || hist.get(i).getTotalCount() < 6;
                    }
                }
                double first = 0;
                for (int i = 0; i < archs.size(); i++) {
                    double p50 = hist.get(i).getValueAtPercentile(50) / 1000.0;
                    double ips = batch * 1000 / p50;
                    first = i == 0 ? ips : first;
                    System.out.printf(
                            Locale.ROOT,
                            "%-20s %-6d %8d %12.1f %10.2f %10.2f%n",
                            archs.get(i).timmName(),
                            batch,
                            hist.get(i).getTotalCount(),
                            p50,
                            ips,
                            ips / first);
                    summary.add(String.format(
                            Locale.ROOT,
                            "FAMILY arch=%s execution=%s precision=%s input=%d "
                                    + "batch=%d img_per_s=%.3f ms_per_batch_p50=%.1f ratio_to_%s=%.3f batches=%d threads=%d",
                            archs.get(i).timmName(),
                            execution.id(),
                            precision.id(),
                            sizes[i],
                            batch,
                            ips,
                            p50,
                            archs.get(0).timmName(),
                            ips / first,
                            hist.get(i).getTotalCount(),
                            threads));
                }
            }
            System.out.println();
            summary.forEach(System.out::println);
        } finally {
            predictors.forEach(Predictor::close);
            models.forEach(Model::close);
        }
    }

    private record Row(long batches, double imagesPerSecond, double p50Ms, double p99Ms, double firstMs) {}

    /** Something that loads a model. */
    private interface ModelLoader {
        Model load() throws Exception;
    }

    /** One network to measure, how it is labelled, and how it is run (null for a TorchScript file). */
    private record Variant(String execution, String precision, String bn, ModelLoader loader, Execution run) {}

    private static Row measure(
            Predictor<float[], float[]> predictor,
            int batch,
            int inputSize,
            String input,
            int warmup,
            double seconds,
            int classes)
            throws Exception {
        Random rnd = new Random(batch);
        List<float[]> inputs = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            inputs.add(input.equals("gaussian") ? gaussian(rnd, inputSize) : picture(rnd, inputSize, i));
        }
        // the first batch of a size pays for libtorch's profiling run and oneDNN's kernel generation
        long f0 = System.nanoTime();
        check(predictor.batchPredict(inputs), batch, classes);
        double firstMs = (System.nanoTime() - f0) / 1e6;
        for (int i = 1; i < warmup; i++) {
            check(predictor.batchPredict(inputs), batch, classes);
        }
        Histogram perBatch = new Histogram(1, TimeUnit.MINUTES.toMicros(10), 3);
        long measureNanos = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long n = 0;
        long now;
        do {
            long t0 = System.nanoTime();
            check(predictor.batchPredict(inputs), batch, classes);
            now = System.nanoTime();
            perBatch.recordValue(Math.max(1, (now - t0) / 1000));
            n++;
        } while (now - start < measureNanos || n < 3);
        double elapsed = (now - start) / 1e9;
        return new Row(
                n,
                n * batch / elapsed,
                perBatch.getValueAtPercentile(50) / 1000.0,
                perBatch.getValueAtPercentile(99) / 1000.0,
                firstMs);
    }

    /**
     * The built-in network and a TorchScript file in one process, alternating blocks of 3 batches until each has run
     * for {@code seconds} per batch size: on a busy machine both see the same load, so the ratio of their median
     * batch times is fair even when the absolute figures are not.
     */
    private static void versus(
            String arch,
            Architecture architecture,
            Map<String, HostTensor> state,
            int classes,
            Execution execution,
            Precision precision,
            Path file,
            String label,
            int[] batches,
            int inputSize,
            String input,
            int warmup,
            double seconds,
            int threads)
            throws Exception {
        try (Model ours = Networks.load(arch, architecture, classes, state, precision, execution, true, Device.cpu());
                Model other = TorchScriptLoader.load(file, Device.cpu(), arch);
                Predictor<float[], float[]> a = ours.newPredictor(new ArrayTranslator(inputSize));
                Predictor<float[], float[]> b = other.newPredictor(new ArrayTranslator(inputSize))) {
            System.out.printf(
                    Locale.ROOT, "%n%s %s versus %s (%s), interleaved%n", execution.id(), precision.id(), label, file);
            System.out.printf(
                    Locale.ROOT,
                    "%-6s %8s %16s %16s %8s%n",
                    "batch",
                    "batches",
                    execution.id() + " p50 ms",
                    label + " p50 ms",
                    "ratio");
            List<String> summary = new ArrayList<>();
            for (int batch : batches) {
                Random rnd = new Random(batch);
                List<float[]> inputs = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    inputs.add(input.equals("gaussian") ? gaussian(rnd, inputSize) : picture(rnd, inputSize, i));
                }
                for (int i = 0; i < Math.max(1, warmup); i++) {
                    check(a.batchPredict(inputs), batch, classes);
                    check(b.batchPredict(inputs), batch, classes);
                }
                Histogram ha = new Histogram(1, TimeUnit.MINUTES.toMicros(10), 3);
                Histogram hb = new Histogram(1, TimeUnit.MINUTES.toMicros(10), 3);
                double spentA = 0;
                double spentB = 0;
                while (spentA < seconds || spentB < seconds || ha.getTotalCount() < 6) {
                    spentA += block(a, inputs, ha, batch, classes);
                    spentB += block(b, inputs, hb, batch, classes);
                }
                double pa = ha.getValueAtPercentile(50) / 1000.0;
                double pb = hb.getValueAtPercentile(50) / 1000.0;
                System.out.printf(
                        Locale.ROOT, "%-6d %8d %16.1f %16.1f %8.2f%n", batch, ha.getTotalCount(), pa, pb, pb / pa);
                summary.add(String.format(
                        Locale.ROOT,
                        "VERSUS arch=%s execution=%s precision=%s versus=%s batch=%d "
                                + "p50_ms=%.1f versus_p50_ms=%.1f speed_ratio=%.3f batches=%d threads=%d",
                        arch,
                        execution.id(),
                        precision.id(),
                        label,
                        batch,
                        pa,
                        pb,
                        pb / pa,
                        ha.getTotalCount(),
                        threads));
            }
            System.out.println();
            summary.forEach(System.out::println);
        }
    }

    /** Three batches on one predictor, each recorded; returns the seconds they took. */
    private static double block(
            Predictor<float[], float[]> p, List<float[]> inputs, Histogram h, int batch, int classes) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            check(p.batchPredict(inputs), batch, classes);
            h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static float[] gaussian(Random rnd, int size) {
        float[] x = new float[3 * size * size];
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) rnd.nextGaussian();
        }
        return x;
    }

    /** CHW, values in [-1, 1] like (pixel / 255 - 0.5) / 0.5: smooth gradients, a checker pattern, a little noise. */
    private static float[] picture(Random rnd, int size, int variant) {
        float[] x = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int col = 0; col < size; col++) {
                double noise = (rnd.nextDouble() - 0.5) * 0.1;
                double r = Math.sin(0.05 * col + variant) * 0.8 + noise;
                double g = Math.sin(0.03 * y - variant) * 0.8 + noise;
                double b = ((col / 24 + y / 24 + variant) & 1) == 0 ? -0.6 : 0.6;
                x[y * size + col] = (float) r;
                x[plane + y * size + col] = (float) g;
                x[2 * plane + y * size + col] = (float) (b + noise);
            }
        }
        return x;
    }

    private static void check(List<float[]> out, int batch, int classes) {
        if (out.size() != batch || out.get(0).length != classes || !Float.isFinite(out.get(0)[0])) {
            throw new IllegalStateException(
                    "unexpected output: " + out.size() + " x " + (out.isEmpty() ? 0 : out.get(0).length));
        }
    }

    private static String rssMib() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.toString(Long.parseLong(f[1]) * 4096 / (1024 * 1024));
        } catch (Exception e) {
            return "n/a";
        }
    }

    /**
     * How much the RSS grew while the model loaded: with a pre-touched heap ({@code -Xms = -Xmx},
     * {@code -XX:+AlwaysPreTouch}, as bench/compare-compiled.sh runs it) that is the memory libtorch holds for it.
     */
    private static String delta(String before, String after) {
        try {
            return Long.toString(Long.parseLong(after) - Long.parseLong(before));
        } catch (NumberFormatException e) {
            return "n/a";
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static void fail(String message) {
        System.err.println("error: " + message);
        System.err.print(USAGE);
        System.exit(2);
    }

    /** A preprocessed image (CHW) in, logits out; batches stacked by DJL, as the service's translator does. */
    private static final class ArrayTranslator implements Translator<float[], float[]> {

        private final Shape shape;

        ArrayTranslator(int size) {
            this.shape = new Shape(3, size, size);
        }

        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            NDArray x = ctx.getNDManager().create(input, shape);
            return new NDList(x);
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            return list.get(0).toFloatArray();
        }

        @Override
        public Batchifier getBatchifier() {
            return Batchifier.STACK;
        }
    }
}
