package dev.inceptionclassifier.model;

import ai.djl.Device;
import ai.djl.Model;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import java.util.Map;

/**
 * A built-in architecture with its weights, ready for a Predictor: the compiled program or the eager blocks, both
 * derived from the architecture's description. Used by the model loader and by the engine benchmark.
 */
public final class Networks {

    private Networks() {}

    /**
     * Loads {@code arch} with a timm-layout state dict on {@code device}; the caller owns the model.
     *
     * @param foldBatchNorm for the eager execution only (the compiled program always folds)
     * @throws IllegalArgumentException if the precision is not one the execution runs
     */
    public static Model load(
            String name,
            Architecture arch,
            int numClasses,
            Map<String, HostTensor> stateDict,
            Precision precision,
            Execution execution,
            boolean foldBatchNorm,
            Device device) {
        return load(name, arch.graph(numClasses), stateDict, precision, execution, foldBatchNorm, device);
    }

    /**
     * Loads a description with a state dict in its layout, e.g. {@link Architecture#embeddingGraph()} or
     * {@link Architecture#graphWithTransformInput}; otherwise as {@link #load(String, Architecture, int, Map,
     * Precision, Execution, boolean, Device)}.
     */
    public static Model load(
            String name,
            NetworkGraph graph,
            Map<String, HostTensor> stateDict,
            Precision precision,
            Execution execution,
            boolean foldBatchNorm,
            Device device) {
        return switch (execution) {
            case COMPILED -> CompiledNetwork.load(name, graph, stateDict, precision, device);
            case EAGER -> {
                if (precision != Precision.FP32) {
                    throw new IllegalArgumentException("the eager execution runs fp32 only, not " + precision);
                }
                InceptionNetwork net = InceptionNetwork.of(graph, foldBatchNorm);
                Model m = Model.newInstance(name, device, "PyTorch");
                try {
                    m.setBlock(net.block());
                    net.loadStateDict(stateDict, m.getNDManager());
                } catch (RuntimeException e) {
                    m.close();
                    throw e;
                }
                yield m;
            }
            case TORCHSCRIPT -> throw new IllegalArgumentException("a TorchScript file is loaded from its file");
        };
    }

    /**
     * The bytes the weights of a model loaded with {@link #load} take in libtorch's memory, for the compiled
     * execution; -1 for the eager one (DJL does not say).
     */
    public static long weightBytes(Model model, Execution execution) {
        return execution == Execution.COMPILED ? CompiledNetwork.weightBytes(model) : -1;
    }
}
