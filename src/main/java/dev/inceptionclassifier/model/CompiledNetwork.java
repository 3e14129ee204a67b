package dev.inceptionclassifier.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.model.graph.BatchNormFolding;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import dev.inceptionclassifier.model.torchscript.TorchScriptArchive;
import dev.inceptionclassifier.model.torchscript.TorchScriptEmitter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The compiled execution: a network's description emitted as one weightless TorchScript program, loaded by libtorch
 * through DJL (a {@code PtSymbolBlock} behind the usual {@code Predictor}), then given its BatchNorm-folded weights
 * through the program's {@code load} method. The program keeps them in the compute type, so a bf16 model holds its
 * weights once, in bf16. The archive is generated in memory at every start; nothing is written but the empty folder
 * DJL insists on creating.
 */
final class CompiledNetwork {

    /** Weights are handed to the program in pieces of about this size. */
    private static final long CHUNK_BYTES = 32L << 20;

    /**
     * The program's number formats: stages in {@code dtype} (channels-last if asked), head and output in
     * {@code headDtype}.
     */
    record Mode(int dtype, int headDtype, boolean channelsLast) {

        /** float64 throughout: for checks against a float64 reference run, not for serving. */
        static final Mode FLOAT64 = new Mode(TorchScriptEmitter.FLOAT64, TorchScriptEmitter.FLOAT64, false);

        static Mode of(Precision precision) {
            return switch (precision) {
                case FP32 -> new Mode(TorchScriptEmitter.FLOAT32, TorchScriptEmitter.FLOAT32, false);
                case BF16 -> new Mode(TorchScriptEmitter.BFLOAT16, TorchScriptEmitter.FLOAT32, true);
                case FP16 -> new Mode(TorchScriptEmitter.FLOAT16, TorchScriptEmitter.FLOAT32, true);
            };
        }
    }

    private CompiledNetwork() {}

    /**
     * Loads {@code graph}'s program on {@code device} with a checkpoint's weights, checked strictly against the
     * description first. The caller owns the returned model.
     */
    static Model load(
            String name, NetworkGraph graph, Map<String, HostTensor> stateDict, Precision precision, Device device) {
        InceptionNetwork.checkStrict(name, graph, stateDict);
        return load(
                name,
                graph,
                Mode.of(precision),
                device,
                sink -> BatchNormFolding.forEachFolded(
                        graph, k -> stateDict.get(k).data(), sink::accept));
    }

    /** Loads with float64 weights already folded ({@link BatchNormFolding#foldDouble}), computing in float64. */
    static Model loadFloat64(String name, NetworkGraph graph, Map<String, double[]> folded, Device device) {
        return load(name, graph, Mode.FLOAT64, device, sink -> folded.forEach(sink::accept));
    }

    /** The bytes the program's weights take in libtorch (half of float32's for the stages in bf16 or fp16). */
    static long weightBytes(Model model) {
        try (IValue bytes = IValueUtils.runMethod((PtSymbolBlock) model.getBlock(), "weight_bytes")) {
            return bytes.toLong();
        }
    }

    /** Hands every folded weight, as float[] or double[], to the sink, in {@link NetworkGraph#foldedShapes} order. */
    private interface Weights {
        void forEach(BiConsumer<String, Object> sink);
    }

    private static Model load(String name, NetworkGraph graph, Mode mode, Device device, Weights weights) {
        String source = TorchScriptEmitter.emit(graph);
        byte[] archive =
                TorchScriptArchive.bytes(graph.className().toLowerCase(Locale.ROOT), graph.className(), source);
        Model model = Model.newInstance(name, device, "PyTorch");
        try {
            model.load(new ByteArrayInputStream(archive), Map.of("mapLocation", "true"));
            upload(model, graph, mode, weights);
            return model;
        } catch (IOException | MalformedModelException e) {
            model.close();
            throw new IllegalStateException(
                    "libtorch refused the generated program of " + graph.className() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Hands the weights to the program's {@code load} in chunks of about {@link #CHUNK_BYTES}: each chunk's
     * NDArrays live in a sub-manager closed right after the call, and the program keeps its own copies (in bf16 or
     * fp16, cast ones), so at most one chunk is held twice.
     */
    private static void upload(Model model, NetworkGraph graph, Mode mode, Weights weights) {
        PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
        Map<String, long[]> shapes = graph.foldedShapes();
        Set<String> headKeys = graph.headWeights();
        Chunk[] chunk = {new Chunk(model.getNDManager().newSubManager())};
        long[] held = {0};
        try {
            weights.forEach((key, values) -> {
                Shape shape = new Shape(shapes.get(key));
                NDManager scope = chunk[0].scope;
                PtNDArray array = (PtNDArray)
                        (values instanceof float[] f
                                ? scope.create(FloatBuffer.wrap(f), shape)
                                : scope.create(DoubleBuffer.wrap((double[]) values), shape));
                (headKeys.contains(key) ? chunk[0].head : chunk[0].body).put(key, array);
                chunk[0].bytes += array.getShape().size() * array.getDataType().getNumOfBytes();
                if (chunk[0].bytes >= CHUNK_BYTES) {
                    held[0] = chunk[0].send(block, mode);
                    chunk[0] = new Chunk(model.getNDManager().newSubManager());
                }
            });
            held[0] = chunk[0].send(block, mode);
        } finally {
            chunk[0].scope.close();
        }
        if (held[0] != shapes.size()) {
            throw new IllegalStateException(
                    graph.className() + " program holds " + held[0] + " weights, expected " + shapes.size());
        }
    }

    /** The weights of one {@code load} call. */
    private static final class Chunk {

        final NDManager scope;
        final Map<String, PtNDArray> body = new LinkedHashMap<>();
        final Map<String, PtNDArray> head = new LinkedHashMap<>();
        long bytes;

        Chunk(NDManager scope) {
            this.scope = scope;
        }

        /** Calls the program's {@code load}, frees this chunk's arrays, and returns how many weights it holds. */
        long send(PtSymbolBlock block, Mode mode) {
            try (scope;
                    IValue b = IValue.stringMapFrom(body);
                    IValue h = IValue.stringMapFrom(head);
                    IValue dtype = IValue.from((long) mode.dtype());
                    IValue headDtype = IValue.from((long) mode.headDtype());
                    IValue channelsLast = IValue.from(mode.channelsLast());
                    IValue held = IValueUtils.runMethod(block, "load", b, h, dtype, headDtype, channelsLast)) {
                return held.toLong();
            }
        }
    }
}
