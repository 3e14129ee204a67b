package dev.inceptionclassifier.bench.gpu;

import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.graph.BatchNorm;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import dev.inceptionclassifier.model.graph.Node;
import dev.inceptionclassifier.model.torchscript.TorchScriptArchive;
import dev.inceptionclassifier.model.torchscript.TorchScriptEmitter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes what the GPU device check needs to run the service's compiled program without Java: for every
 * {@link Architecture}, the weightless TorchScript archive the service generates at start-up (the same emitter and
 * archive writer, byte for byte) and a JSON manifest with, per architecture, the checkpoint entries the public
 * fixture's weight formula fills (name, shape, state-dict position {@code k}, which rule of the formula), the folded
 * weights the program's {@code load} takes and how each is folded (the walk of {@code BatchNormFolding}), and the
 * fixture's expected outputs. No weights are written: the device builds them from the formula.
 *
 * <pre>java -cp ... dev.inceptionclassifier.bench.gpu.BundleWriter --reference ../shared/reference --out DIR</pre>
 */
public final class BundleWriter {

    private BundleWriter() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (!opt.containsKey("out")) {
            System.err.println("usage: BundleWriter --out DIR [--reference ../shared/reference]");
            System.exit(2);
        }
        Path out = Path.of(opt.get("out"));
        Path reference = Path.of(opt.getOrDefault("reference", "../shared/reference"));
        Files.createDirectories(out.resolve("programs"));
        JsonMapper json = JsonMapper.builder().build();
        List<JsonNode> fixtures = new ArrayList<>();
        for (Path f :
                List.of(reference.resolve("fixture_public.json"), reference.resolve("family/fixture_public.json"))) {
            if (Files.isRegularFile(f)) {
                fixtures.add(json.readTree(f.toFile()));
            }
        }
        ObjectNode manifest = json.createObjectNode();
        manifest.put("about", "written by bench/gpu BundleWriter: programs and fixture recipe for the device check");
        ArrayNode archs = manifest.putArray("architectures");
        for (Architecture arch : Architecture.values()) {
            archs.add(architecture(json, arch, reference, fixtures, out));
        }
        json.writerWithDefaultPrettyPrinter()
                .writeValue(out.resolve("manifest.json").toFile(), manifest);
    }

    private static ObjectNode architecture(
            JsonMapper json, Architecture arch, Path reference, List<JsonNode> fixtures, Path out) throws IOException {
        String name = arch.timmName();
        ObjectNode a = json.createObjectNode();
        a.put("name", name);
        JsonNode fixture = null;
        for (JsonNode f : fixtures) {
            if (f.path("models").has(name)) {
                fixture = f.path("models").path(name);
            }
        }
        Map<String, long[]> tsv = keysTsv(reference, name);
        List<Integer> classChoices = new ArrayList<>();
        int inputSize = 299;
        if (fixture != null) {
            JsonNode shape = fixture.has("output_shape") ? fixture.path("output_shape") : fixture.path("logits_shape");
            if (shape.size() == 2) {
                classChoices.add(shape.get(1).asInt());
            }
            if (fixture.path("input_shape").size() == 4) {
                inputSize = fixture.path("input_shape").get(2).asInt();
            }
        }
        classChoices.add(1000);
        // the fixture can be used only where the description's checkpoint keys are keys.tsv's, with the same shapes
        NetworkGraph graph = null;
        String fixtureProblem = fixture == null
                ? "no fixture_public.json entry for " + name
                : tsv == null ? "no " + name + ".keys.tsv" : null;
        for (int classes : classChoices) {
            NetworkGraph g;
            try {
                g = arch.graph(classes);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (graph == null) {
                graph = g;
                a.put("num_classes", classes);
            }
            if (fixtureProblem == null && keysMatch(g, tsv)) {
                graph = g;
                a.put("num_classes", classes);
                break;
            }
        }
        if (fixtureProblem == null && !keysMatch(graph, tsv)) {
            fixtureProblem = "the description's checkpoint keys differ from " + name + ".keys.tsv";
        }
        a.put("class_name", graph.className());
        a.put("input_size", inputSize);

        String program = "programs/" + name + ".pt";
        try (OutputStream o = Files.newOutputStream(out.resolve(program))) {
            TorchScriptArchive.write(
                    o, graph.className().toLowerCase(Locale.ROOT), graph.className(), TorchScriptEmitter.emit(graph));
        }
        a.put("program", program);
        a.put("program_bytes", Files.size(out.resolve(program)));

        // the checkpoint entries, with the fixture formula's rule and state-dict position k
        ArrayNode entries = a.putArray("state_dict");
        ArrayNode folded = a.putArray("folded");
        int[] computedK = {0};
        boolean useTsv = fixtureProblem == null;
        List<String> tsvKeys = tsv == null ? List.of() : new ArrayList<>(tsv.keySet());
        java.util.function.Consumer<Node> layer = n -> {
            String layerName;
            long[] shape;
            boolean bias;
            BatchNorm bn;
            if (n instanceof Node.Conv c) {
                layerName = c.name();
                shape = new long[] {c.out(), c.in(), c.kh(), c.kw()};
                bias = c.bias();
                bn = c.bn();
            } else if (n instanceof Node.Linear l) {
                layerName = l.name();
                shape = new long[] {l.out(), l.in()};
                bias = l.bias();
                bn = l.bn();
            } else {
                return;
            }
            long outChannels = shape[0];
            entry(entries, layerName + ".weight", shape, "weight", useTsv, tsvKeys, computedK);
            if (bias) {
                entry(entries, layerName + ".bias", new long[] {outChannels}, "bias", useTsv, tsvKeys, computedK);
            }
            if (bn != null) {
                for (String e : List.of("weight", "bias", "running_mean", "running_var")) {
                    entry(
                            entries,
                            bn.name() + "." + e,
                            new long[] {outChannels},
                            "bn_" + e,
                            useTsv,
                            tsvKeys,
                            computedK);
                }
                computedK[0]++; // num_batches_tracked uses up its k
            }
            ObjectNode f = folded.addObject();
            f.put("weight", layerName + ".weight");
            f.put("bias", bias || bn != null ? layerName + ".bias" : null);
            f.put("has_bias", bias);
            if (bn != null) {
                ObjectNode b = f.putObject("bn");
                b.put("prefix", bn.name());
                b.put("eps", bn.eps());
            }
        };
        // BatchNormFolding's walk: stages in order, then the head
        graph.stages().forEach(s -> NetworkGraph.walk(s.body(), layer));
        int headStart = folded.size();
        NetworkGraph.walk(graph.head(), layer);
        for (int i = 0; i < folded.size(); i++) {
            ((ObjectNode) folded.get(i)).put("part", i < headStart ? "body" : "head");
        }
        checkAgainstGraph(graph, folded);

        ObjectNode fx = a.putObject("fixture");
        if (fixtureProblem != null) {
            fx.put("usable", false);
            fx.put("reason", fixtureProblem);
            fx.put("gain", 1.3);
        } else {
            fx.put("usable", true);
            fx.put("gain", fixture.path("gain_G").asDouble());
            String output = fixture.has("all_logits_float64") ? "all_logits_float64" : "embedding_all_float64";
            fx.put("output", output);
            for (String image : List.of("image0", "image1")) {
                ObjectNode img = fx.putObject(image);
                img.set("float64", fixture.path(output).path(image));
                img.set(
                        "float32_top5_indices",
                        fixture.path("float32").path(image).path("top5_indices"));
                img.set(
                        "float32_top5_values",
                        fixture.path("float32").path(image).path("top5_values"));
            }
        }
        return a;
    }

    private static void entry(
            ArrayNode entries,
            String key,
            long[] shape,
            String rule,
            boolean useTsv,
            List<String> tsvKeys,
            int[] computedK) {
        ObjectNode e = entries.addObject();
        e.put("name", key);
        ArrayNode s = e.putArray("shape");
        Arrays.stream(shape).forEach(s::add);
        e.put("rule", rule);
        e.put("k", useTsv ? tsvKeys.indexOf(key) : computedK[0]);
        computedK[0]++;
    }

    /** The folded keys in {@code NetworkGraph.foldedShapes()} order and the head's keys as the graph says. */
    private static void checkAgainstGraph(NetworkGraph graph, ArrayNode folded) {
        List<String> keys = new ArrayList<>();
        List<String> head = new ArrayList<>();
        for (JsonNode f : folded) {
            keys.add(f.path("weight").asString());
            if (!f.path("bias").isNull()) {
                keys.add(f.path("bias").asString());
            }
            if (f.path("part").asString().equals("head")) {
                head.add(f.path("weight").asString());
            }
        }
        if (!keys.equals(new ArrayList<>(graph.foldedShapes().keySet()))
                || !graph.headWeights().containsAll(head)) {
            throw new IllegalStateException(graph.className() + ": the bundle's folding walk differs from the "
                    + "description's foldedShapes(); update BundleWriter");
        }
    }

    /** {@code <name>.keys.tsv} (key to shape, in state-dict order, int64 entries included), or null. */
    private static Map<String, long[]> keysTsv(Path reference, String name) throws IOException {
        for (Path p :
                List.of(reference.resolve(name + ".keys.tsv"), reference.resolve("family/" + name + ".keys.tsv"))) {
            if (Files.isRegularFile(p)) {
                Map<String, long[]> keys = new LinkedHashMap<>();
                for (String line : Files.readAllLines(p)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] f = line.split("\t", -1);
                    keys.put(
                            f[0],
                            f[1].isEmpty()
                                    ? new long[0]
                                    : Arrays.stream(f[1].split(","))
                                            .mapToLong(Long::parseLong)
                                            .toArray());
                }
                return keys;
            }
        }
        return null;
    }

    /** Every checkpoint entry of the description is in keys.tsv with the same shape. */
    private static boolean keysMatch(NetworkGraph graph, Map<String, long[]> tsv) {
        if (graph == null || tsv == null) {
            return false;
        }
        for (Map.Entry<String, long[]> e : graph.stateDictShapes().entrySet()) {
            long[] s = tsv.get(e.getKey());
            if (s == null || !Arrays.equals(s, e.getValue())) {
                return false;
            }
        }
        return true;
    }
}
