package dev.inceptionclassifier.bench.gpu;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.inceptionclassifier.model.Execution;
import dev.inceptionclassifier.model.Networks;
import dev.inceptionclassifier.model.Precision;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Does DJL's PyTorch engine load against a given libtorch (the environment's {@code PYTORCH_LIBRARY_PATH},
 * {@code PYTORCH_VERSION}, {@code PYTORCH_FLAVOR}, {@code ENGINE_CACHE_DIR}), and if it does, how fast does the
 * service's compiled program run through DJL's Predictor on the device (seeded random weights, inputs created on the
 * host and copied by the translator as in the service)?
 *
 * <pre>java -Dai.djl.offline=true -cp djl-probe.jar:lib/* dev.inceptionclassifier.bench.gpu.DjlProbe
 *     [--device gpu|cpu] [--precisions fp16,fp32] [--arch inception_v4] [--batches 1,8,32,128,256] [--seconds 2]</pre>
 *
 * Prints {@code DJL_PROBE status=loaded|failed ...} (for a failure: the exception chain and the first unresolved
 * symbol), then one {@code DJL_ENGINE ...} line per measured batch size. Never throws: a failure is the finding.
 */
public final class DjlProbe {

    private static final Pattern SYMBOL = Pattern.compile("undefined symbol: ?(\\S+)");

    private DjlProbe() {}

    public static void main(String[] args) {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        System.setProperty("ai.djl.offline", "true");
        for (String v : List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "ENGINE_CACHE_DIR")) {
            System.out.println("# " + v + "=" + System.getenv(v));
        }
        Engine engine;
        long t0 = System.nanoTime();
        try {
            engine = Engine.getEngine("PyTorch");
            engine.getVersion(); // forces the native library to load where getEngine did not
        } catch (Throwable t) { // an UnsatisfiedLinkError is the expected finding, not a crash
            List<String> chain = new ArrayList<>();
            String symbol = null;
            for (Throwable c = t; c != null && chain.size() < 8; c = c.getCause()) {
                String m = String.valueOf(c.getMessage()).replace('\n', ' ');
                chain.add(c.getClass().getName() + ": " + m);
                Matcher s = SYMBOL.matcher(m);
                if (symbol == null && s.find()) {
                    symbol = s.group(1);
                }
            }
            System.out.println("DJL_PROBE status=failed first_unresolved_symbol=" + (symbol == null ? "none" : symbol)
                    + " error=" + quote(chain.get(chain.size() - 1)));
            chain.forEach(c -> System.out.println("# cause: " + c));
            return;
        }
        int gpus = engine.getGpuCount();
        System.out.printf(
                Locale.ROOT,
                "DJL_PROBE status=loaded engine=%s version=%s djl=%s gpus=%d load_ms=%d%n",
                engine.getEngineName(),
                engine.getVersion(),
                Engine.getDjlVersion(),
                gpus,
                (System.nanoTime() - t0) / 1_000_000);
        String deviceName = opt.getOrDefault("device", "gpu");
        if (deviceName.equals("gpu") && gpus == 0) {
            System.out.println("DJL_ENGINE status=skipped reason=" + quote("the engine loaded but sees no GPU"));
            return;
        }
        Device device = deviceName.equals("gpu") ? Device.gpu(0) : Device.cpu();
        Architecture arch = Architecture.fromTimmName(opt.getOrDefault("arch", "inception_v4"));
        int[] batches = Arrays.stream(
                        opt.getOrDefault("batches", "1,8,32,128,256").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        double seconds = Double.parseDouble(opt.getOrDefault("seconds", "2"));
        int size = Integer.parseInt(opt.getOrDefault("input-size", "299"));
        Map<String, HostTensor> weights = InceptionNetwork.randomStateDict(arch, 1000, 42);
        for (String p : opt.getOrDefault("precisions", "fp16,fp32").split(",")) {
            try {
                bench(arch, weights, Precision.parse(p), device, batches, seconds, size);
            } catch (Throwable t) {
                System.out.println("DJL_ENGINE status=failed arch=" + arch.timmName() + " precision=" + p + " device="
                        + device + " error=" + quote(t.getClass().getName() + ": " + t.getMessage()));
            }
        }
    }

    private static void bench(
            Architecture arch,
            Map<String, HostTensor> weights,
            Precision precision,
            Device device,
            int[] batches,
            double seconds,
            int size)
            throws Exception {
        long t0 = System.nanoTime();
        try (Model model = Networks.load(
                        arch.timmName(), arch, 1000, weights, precision, Execution.COMPILED, true, device);
                Predictor<float[], float[]> predictor = model.newPredictor(new ArrayTranslator(size))) {
            long loadMs = (System.nanoTime() - t0) / 1_000_000;
            for (int b : batches) {
                Random rnd = new Random(b);
                List<float[]> inputs = new ArrayList<>();
                for (int i = 0; i < b; i++) {
                    float[] x = new float[3 * size * size];
                    for (int j = 0; j < x.length; j++) {
                        x[j] = rnd.nextFloat() * 2 - 1;
                    }
                    inputs.add(x);
                }
                long f0 = System.nanoTime();
                predictor.batchPredict(inputs); // first batch of a size: kernel selection
                double firstMs = (System.nanoTime() - f0) / 1e6;
                for (int i = 0; i < 3; i++) { // libtorch's profiling executor optimises the graph after two runs
                    predictor.batchPredict(inputs);
                }
                long n = 0;
                long start = System.nanoTime();
                long now;
                do {
                    List<float[]> out = predictor.batchPredict(inputs); // returns host arrays: synchronised
                    if (out.size() != b || out.get(0).length != 1000) {
                        throw new IllegalStateException("unexpected output " + out.size());
                    }
                    n++;
                    now = System.nanoTime();
                } while (now - start < seconds * 1e9 || n < 3);
                double s = (now - start) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "DJL_ENGINE status=measured arch=%s execution=compiled precision=%s "
                                + "device=%s batch=%d batches=%d img_per_s=%.1f ms_per_batch=%.2f first_batch_ms=%.0f "
                                + "load_ms=%d%n",
                        arch.timmName(),
                        precision.id(),
                        device,
                        b,
                        n,
                        n * b / s,
                        s * 1000 / n,
                        firstMs,
                        loadMs);
            }
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "'") + '"';
    }

    /** CHW float arrays in, logits out, stacked into batches: what the service's translator hands libtorch. */
    private static final class ArrayTranslator implements Translator<float[], float[]> {

        private final Shape shape;

        ArrayTranslator(int size) {
            this.shape = new Shape(3, size, size);
        }

        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            return new NDList(ctx.getNDManager().create(input, shape));
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
