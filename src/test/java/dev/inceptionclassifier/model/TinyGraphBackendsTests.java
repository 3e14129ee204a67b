package dev.inceptionclassifier.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.model.graph.BatchNorm;
import dev.inceptionclassifier.model.graph.BatchNormFolding;
import dev.inceptionclassifier.model.graph.Dims;
import dev.inceptionclassifier.model.graph.Layers;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import dev.inceptionclassifier.model.graph.Node;
import dev.inceptionclassifier.model.torchscript.TorchScriptArchive;
import dev.inceptionclassifier.model.torchscript.TorchScriptEmitter;
import dev.inceptionclassifier.support.Python;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every node type in one small description (ceil-mode pools, both average-pool divisors, a convolution with bias and
 * BatchNorm eps 1e-5, residuals with and without ReLU, a channel affine, a bias-free linear layer with BatchNorm1d and
 * an L2 normalisation: what the rest of the Inception family needs), run by the compiled program, by the eager blocks
 * (unfolded and folded), and by the same network written with {@code torch.nn} in PyTorch.
 */
class TinyGraphBackendsTests {

    private static final int SIZE = 23;

    @TempDir
    Path dir;

    static NetworkGraph tiny() {
        List<NetworkGraph.Stage> stages = List.of(
                new NetworkGraph.Stage(
                        "affine",
                        new Node.ChannelAffine(
                                new double[] {0.458, 0.448, 0.45}, new double[] {-0.03, -0.088, -0.188})),
                new NetworkGraph.Stage("stem", Layers.convBnRelu("stem", 3, 8, 3, 3, 2, 1, 1)),
                new NetworkGraph.Stage("pool1", new Node.MaxPool(3, 3, 2, 2, 0, 0, true)),
                new NetworkGraph.Stage(
                        "mixed",
                        Layers.cat(
                                new Node.Conv(
                                        "mixed.b0",
                                        8,
                                        4,
                                        1,
                                        1,
                                        1,
                                        1,
                                        0,
                                        0,
                                        true,
                                        new BatchNorm("mixed.b0_bn", 1e-5),
                                        true),
                                Layers.seq(
                                        new Node.AvgPool(3, 3, 1, 1, 1, 1, true, true),
                                        Layers.conv1xk("mixed.b1", 8, 4, 5)),
                                Layers.seq(
                                        new Node.AvgPool(3, 3, 1, 1, 1, 1, false, false),
                                        Layers.convkx1("mixed.b2", 8, 4, 5)),
                                new Node.MaxPool(3, 3, 1, 1, 1, 1, true))),
                new NetworkGraph.Stage("res", residual("res", 0.17, true)),
                new NetworkGraph.Stage("res_last", residual("res_last", 1.0, false)),
                new NetworkGraph.Stage("down", new Node.AvgPool(3, 3, 2, 2, 0, 0, true, true)));
        Node head = Layers.seq(
                new Node.GlobalAvgPool(),
                new Node.Linear("last_linear", 20, 7, false, new BatchNorm("last_bn", 1e-3)),
                new Node.L2Normalize(1e-12));
        return new NetworkGraph("Tiny", 3, stages, head);
    }

    private static Node residual(String p, double scale, boolean relu) {
        return new Node.Residual(
                Layers.seq(
                        Layers.cat(
                                Layers.conv1(p + ".b0", 20, 6),
                                Layers.seq(Layers.conv1(p + ".b1_0", 20, 4), Layers.conv3(p + ".b1_1", 4, 6))),
                        Layers.projection(p + ".conv2d", 12, 20)),
                scale,
                relu);
    }

    /** Random weights with BatchNorm statistics far from the identity, so a wrong fold shows. */
    static Map<String, HostTensor> weights(NetworkGraph graph, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, HostTensor> sd = new LinkedHashMap<>();
        graph.stateDictShapes().forEach((key, shape) -> {
            int n = Math.toIntExact(new Shape(shape).size());
            float[] v = new float[n];
            double bound = shape.length > 1 ? 1.5 * Math.sqrt(3.0 * shape[0] / n) : 0;
            for (int i = 0; i < n; i++) {
                v[i] = (float)
                        (shape.length > 1
                                ? r.nextDouble(-bound, bound)
                                : key.endsWith("running_var")
                                        ? r.nextDouble(0.5, 1.5)
                                        : key.endsWith("bn.weight") || key.endsWith("_bn.weight")
                                                ? r.nextDouble(0.8, 1.2)
                                                : r.nextDouble(-0.2, 0.2));
            }
            sd.put(key, new HostTensor(shape, v));
        });
        return sd;
    }

    static float[] input(int n) {
        float[] x = new float[n * 3 * SIZE * SIZE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.37 * i + 0.001 * i * i % 7);
        }
        return x;
    }

    @Test
    void shapesFollowPyTorchsCeilModeRules() {
        Map<String, Dims> shapes = tiny().outputShapes(SIZE, SIZE);
        assertThat(shapes.get("stem")).isEqualTo(new Dims(8, 12, 12));
        assertThat(shapes.get("pool1")).isEqualTo(new Dims(8, 6, 6)); // floor mode would give 5
        assertThat(shapes.get("mixed")).isEqualTo(new Dims(20, 6, 6));
        assertThat(shapes.get("down")).isEqualTo(new Dims(20, 3, 3)); // floor mode would give 2
        assertThat(shapes.get("")).isEqualTo(Dims.flat(7));
    }

    @Test
    void compiledAndEagerAgreeAndTheProgramOwnsItsWeights() {
        NetworkGraph graph = tiny();
        Map<String, HostTensor> sd = weights(graph, 3);
        float[] x = input(2);
        float[] unfused = eager(graph, sd, x, false);
        float[] folded = eager(graph, sd, x, true);
        try (Model model = CompiledNetwork.load("tiny", graph, sd, Precision.FP32, Device.cpu())) {
            float[] compiled = compiled(model, x);
            assertClose(compiled, unfused, 2e-6, "compiled vs eager");
            assertClose(folded, unfused, 2e-6, "eager folded vs unfolded");
            // DJL's CPU tensors borrow Java buffers; once the upload's NDArrays are gone and their memory reused,
            // a program that had kept them instead of copies would compute garbage
            System.gc();
            List<ByteBuffer> garbage = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.nativeOrder());
                while (b.remaining() >= 4) {
                    b.putFloat(Float.NaN);
                }
                garbage.add(b);
            }
            assertThat(compiled(model, x)).containsExactly(compiled);
            assertThat(garbage).hasSize(64);
        }
    }

    @Test
    void bf16HoldsTheStageWeightsInHalfTheMemory() {
        NetworkGraph graph = tiny();
        Map<String, HostTensor> sd = weights(graph, 4);
        long body = 0;
        long head = 0;
        for (Map.Entry<String, long[]> e : graph.foldedShapes().entrySet()) {
            long n = new Shape(e.getValue()).size();
            if (graph.headWeights().contains(e.getKey())) {
                head += n;
            } else {
                body += n;
            }
        }
        try (Model fp32 = CompiledNetwork.load("fp32", graph, sd, Precision.FP32, Device.cpu());
                Model bf16 = CompiledNetwork.load("bf16", graph, sd, Precision.BF16, Device.cpu())) {
            assertThat(CompiledNetwork.weightBytes(fp32)).isEqualTo(4 * (body + head));
            // the head (pool and classifier) stays float32, so that the logits leave as float32
            assertThat(CompiledNetwork.weightBytes(bf16)).isEqualTo(2 * body + 4 * head);
        }
    }

    @Test
    void everyBackendMatchesTheNetworkWrittenInPyTorch() throws IOException {
        Python.assumeModules("torch");
        NetworkGraph graph = tiny();
        Map<String, HostTensor> sd = weights(graph, 5);
        float[] x = input(2);
        writeTensors(
                "weights",
                sd.entrySet().stream()
                        .collect(Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().data(), (a, b) -> a, LinkedHashMap::new)),
                graph.stateDictShapes(),
                null);
        Map<String, float[]> folded =
                BatchNormFolding.fold(graph, k -> sd.get(k).data());
        writeTensors("folded", folded, graph.foldedShapes(), graph.headWeights());
        writeTensors("input", Map.of("x", x), Map.of("x", new long[] {2, 3, SIZE, SIZE}), null);
        Files.write(
                dir.resolve("tiny.pt"),
                TorchScriptArchive.bytes("tiny", graph.className(), TorchScriptEmitter.emit(graph)));
        Python.runScript(dir, REFERENCE, dir.toString());

        float[] reference = readFloats(dir.resolve("reference.bin"));
        float[] pythonLoaded = readFloats(dir.resolve("jit.bin"));
        assertThat(reference).hasSize(14);
        assertClose(pythonLoaded, reference, 2e-6, "our archive run by PyTorch 1.13");
        try (Model model = CompiledNetwork.load("tiny", graph, sd, Precision.FP32, Device.cpu())) {
            assertClose(compiled(model, x), reference, 2e-6, "compiled by libtorch 2.7 through DJL");
        }
        assertClose(eager(graph, sd, x, false), reference, 2e-6, "eager");
        assertClose(eager(graph, sd, x, true), reference, 2e-6, "eager folded");
    }

    /** The same network, written once more with torch.nn as the oracle; and our archive loaded by PyTorch. */
    private static final String REFERENCE = """
            import sys
            import numpy as np
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            d = sys.argv[1]

            def read(name):
                out, heads, off = {}, set(), 0
                data = np.fromfile(d + "/" + name + ".bin", dtype="<f4")
                for line in open(d + "/" + name + ".txt").read().splitlines():
                    key, shape, head = line.split("\\t")
                    shape = [int(s) for s in shape.split(",")]
                    n = int(np.prod(shape))
                    out[key] = torch.from_numpy(data[off:off + n].copy()).reshape(shape)
                    off += n
                    if head == "1":
                        heads.add(key)
                return out, heads

            root = nn.Module()
            def put(path, module):
                parent = root
                parts = path.split(".")
                for p in parts[:-1]:
                    if not hasattr(parent, p):
                        parent.add_module(p, nn.Module())
                    parent = getattr(parent, p)
                parent.add_module(parts[-1], module)

            def cbr(p, cin, cout, k, s=1, pad=0):
                put(p + ".conv", nn.Conv2d(cin, cout, k, s, pad, bias=False))
                put(p + ".bn", nn.BatchNorm2d(cout, eps=1e-3))

            cbr("stem", 3, 8, 3, 2, 1)
            put("mixed.b0", nn.Conv2d(8, 4, 1, bias=True))
            put("mixed.b0_bn", nn.BatchNorm2d(4, eps=1e-5))
            cbr("mixed.b1", 8, 4, (1, 5), 1, (0, 2))
            cbr("mixed.b2", 8, 4, (5, 1), 1, (2, 0))
            for r in ("res", "res_last"):
                cbr(r + ".b0", 20, 6, 1)
                cbr(r + ".b1_0", 20, 4, 1)
                cbr(r + ".b1_1", 4, 6, 3, 1, 1)
                put(r + ".conv2d", nn.Conv2d(12, 20, 1, bias=True))
            put("last_linear", nn.Linear(20, 7, bias=False))
            put("last_bn", nn.BatchNorm1d(7, eps=1e-3))

            sd, _ = read("weights")
            missing, unexpected = root.load_state_dict(sd, strict=False)
            assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
            root.eval()
            m = root.get_submodule

            def conv_bn_relu(x, p, relu=True):
                y = m(p + ".bn")(m(p + ".conv")(x))
                return F.relu(y) if relu else y

            def residual(x, p, scale, relu):
                a = conv_bn_relu(x, p + ".b0")
                b = conv_bn_relu(conv_bn_relu(x, p + ".b1_0"), p + ".b1_1")
                out = m(p + ".conv2d")(torch.cat([a, b], 1)) * scale + x
                return F.relu(out) if relu else out

            def forward(x):
                scale, shift = (0.458, 0.448, 0.45), (-0.03, -0.088, -0.188)
                x = torch.cat([torch.unsqueeze(x[:, c], 1) * scale[c] + shift[c] for c in range(3)], 1)
                x = conv_bn_relu(x, "stem")
                x = F.max_pool2d(x, 3, 2, 0, ceil_mode=True)
                b0 = F.relu(m("mixed.b0_bn")(m("mixed.b0")(x)))
                b1 = conv_bn_relu(F.avg_pool2d(x, 3, 1, 1, ceil_mode=True, count_include_pad=True), "mixed.b1")
                b2 = conv_bn_relu(F.avg_pool2d(x, 3, 1, 1, count_include_pad=False), "mixed.b2")
                b3 = F.max_pool2d(x, 3, 1, 1, ceil_mode=True)
                x = torch.cat([b0, b1, b2, b3], 1)
                x = residual(x, "res", 0.17, True)
                x = residual(x, "res_last", 1.0, False)
                x = F.avg_pool2d(x, 3, 2, 0, ceil_mode=True, count_include_pad=True)
                x = F.adaptive_avg_pool2d(x, 1).flatten(1)
                x = m("last_bn")(m("last_linear")(x))
                return F.normalize(x, p=2, dim=1)

            x = read("input")[0]["x"]
            with torch.no_grad():
                forward(x).numpy().astype("<f4").tofile(d + "/reference.bin")
                folded, heads = read("folded")
                program = torch.jit.load(d + "/tiny.pt")
                body = {k: v for k, v in folded.items() if k not in heads}
                head = {k: v for k, v in folded.items() if k in heads}
                assert program.load(body, head, 6, 6, False) == len(folded)
                program(x).numpy().astype("<f4").tofile(d + "/jit.bin")
            """;

    private void writeTensors(
            String name, Map<String, float[]> tensors, Map<String, long[]> shapes, java.util.Set<String> head)
            throws IOException {
        StringBuilder index = new StringBuilder();
        ByteBuffer data = ByteBuffer.allocate(
                        tensors.values().stream().mapToInt(v -> v.length * 4).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        tensors.forEach((k, v) -> {
            index.append(k)
                    .append('\t')
                    .append(joined(shapes.get(k)))
                    .append('\t')
                    .append(head != null && head.contains(k) ? "1" : "0")
                    .append('\n');
            for (float f : v) {
                data.putFloat(f);
            }
        });
        Files.writeString(dir.resolve(name + ".txt"), index);
        Files.write(dir.resolve(name + ".bin"), data.array());
    }

    private static String joined(long[] shape) {
        StringBuilder sb = new StringBuilder();
        for (long d : shape) {
            sb.append(sb.length() == 0 ? "" : ",").append(d);
        }
        return sb.toString();
    }

    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    private static float[] eager(NetworkGraph graph, Map<String, HostTensor> sd, float[] x, boolean folded) {
        InceptionNetwork net = InceptionNetwork.of(graph, folded);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            net.loadStateDict(sd, manager);
            return net.block()
                    .forward(
                            new ParameterStore(manager, false),
                            new NDList(manager.create(x, new Shape(2, 3, SIZE, SIZE))),
                            false)
                    .singletonOrThrow()
                    .toFloatArray();
        }
    }

    private static float[] compiled(Model model, float[] x) {
        try (NDManager batch = model.getNDManager().newSubManager()) {
            return CompiledNetworkFixtureTests.forward(model, batch.create(x, new Shape(2, 3, SIZE, SIZE)));
        }
    }

    private static void assertClose(float[] actual, float[] expected, double tolerance, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
            assertThat(actual[i]).as(what + " [" + i + "]").isCloseTo(expected[i], within((float) tolerance));
        }
        System.out.printf(java.util.Locale.ROOT, "tiny graph, %s: max |diff| %.2g%n", what, worst);
    }
}
