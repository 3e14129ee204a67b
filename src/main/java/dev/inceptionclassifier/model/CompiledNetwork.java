package dev.inceptionclassifier.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import dev.inceptionclassifier.model.graph.BatchNormFolding;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import dev.inceptionclassifier.model.torchscript.TorchScriptArchive;
import dev.inceptionclassifier.model.torchscript.TorchScriptEmitter;

/**
 * The compiled execution: a network's description emitted as one weightless TorchScript program, loaded by libtorch
 * through DJL (a {@code PtSymbolBlock} behind the usual {@code Predictor}), then given its BatchNorm-folded weights
 * through the program's {@code load} method. The program keeps them in the compute type, so a bf16 model holds its
 * weights once, in bf16. The archive is generated in memory at every start; nothing is written but the empty folder
 * DJL insists on creating.
 */
final class CompiledNetwork {

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

    private CompiledNetwork() {
    }

    /**
     * Loads {@code graph}'s program on {@code device} with a checkpoint's weights, checked strictly against the
     * description first. The caller owns the returned model.
     */
    static Model load(String name, NetworkGraph graph, Map<String, HostTensor> stateDict, Precision precision,
            Device device) {
        InceptionNetwork.checkStrict(name, graph, stateDict);
        Map<String, float[]> folded = BatchNormFolding.fold(graph, k -> stateDict.get(k).data());
        return load(name, graph, Mode.of(precision), device,
                (manager, key, shape) -> manager.create(FloatBuffer.wrap(folded.get(key)), shape));
    }

    /** Loads with float64 weights already folded ({@link BatchNormFolding#foldDouble}), computing in float64. */
    static Model loadFloat64(String name, NetworkGraph graph, Map<String, double[]> folded, Device device) {
        return load(name, graph, Mode.FLOAT64, device,
                (manager, key, shape) -> manager.create(DoubleBuffer.wrap(folded.get(key)), shape));
    }

    /** Creates the NDArray of a folded weight on the given manager. */
    private interface Weights {
        NDArray create(NDManager manager, String key, Shape shape);
    }

    private static Model load(String name, NetworkGraph graph, Mode mode, Device device, Weights weights) {
        String source = TorchScriptEmitter.emit(graph);
        byte[] archive = TorchScriptArchive.bytes(graph.className().toLowerCase(Locale.ROOT),
                graph.className(), source);
        Model model = Model.newInstance(name, device, "PyTorch");
        try {
            model.load(new ByteArrayInputStream(archive), Map.of("mapLocation", "true"));
            upload(model, graph, mode, weights);
            return model;
        } catch (IOException | MalformedModelException e) {
            model.close();
            throw new IllegalStateException("libtorch refused the generated program of " + graph.className() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Hands every folded weight to the program's {@code load}. The NDArrays live in a sub-manager closed right after:
     * the program keeps its own references (or, in bf16/fp16, its own cast copies, so the float32 ones are freed).
     */
    private static void upload(Model model, NetworkGraph graph, Mode mode, Weights weights) {
        PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
        Set<String> headKeys = graph.headWeights();
        try (NDManager scope = model.getNDManager().newSubManager()) {
            Map<String, PtNDArray> body = new LinkedHashMap<>();
            Map<String, PtNDArray> head = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : graph.foldedShapes().entrySet()) {
                String key = e.getKey();
                PtNDArray array = (PtNDArray) weights.create(scope, key, new Shape(e.getValue()));
                (headKeys.contains(key) ? head : body).put(key, array);
            }
            try (IValue b = IValue.stringMapFrom(body);
                    IValue h = IValue.stringMapFrom(head);
                    IValue dtype = IValue.from((long) mode.dtype());
                    IValue headDtype = IValue.from((long) mode.headDtype());
                    IValue channelsLast = IValue.from(mode.channelsLast());
                    IValue held = IValueUtils.runMethod(block, "load", b, h, dtype, headDtype, channelsLast)) {
                long expected = body.size() + head.size();
                if (held.toLong() != expected) {
                    throw new IllegalStateException(graph.className() + " program holds " + held.toLong()
                            + " weights, expected " + expected);
                }
            }
        }
    }
}
