package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.model.graph.BatchNormFolding;
import dev.inceptionclassifier.model.graph.KeyCheck;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An architecture as DJL blocks op by op (the {@code eager} execution), derived from its description
 * ({@link NetworkGraph}), parameter for parameter like timm's model, with a strict loader for timm state dicts. Each
 * DJL parameter has a stable name: the checkpoint key it holds, or with {@code bnFolded} {@code <conv>.weight/bias}
 * for every convolution whose BatchNorm is folded in at load.
 *
 * <p>The block maps NDList(float32 [N,3,H,W]) to NDList(logits float32 [N,numClasses]); 299x299 is the native size
 * of Inception-v4 and Inception-ResNet-v2. It is meant for inference only: its parameters are frozen once loaded.
 */
public final class InceptionNetwork {

    /**
     * Any size the network accepts does: DJL only infers the parameters' shapes from it. Not every network accepts
     * every size (BN-Inception's stride-2 convolutions and ceil-mode pools disagree at 299), so the first of these
     * that the description accepts is used.
     */
    private static final int[] INIT_SIZES = {299, 224, 160};

    private final String name;
    private final boolean bnFolded;
    private final NetworkGraph graph;
    private final KeyedParameters keys;
    private final StagedNetwork network;

    private InceptionNetwork(String name, NetworkGraph graph, boolean bnFolded) {
        this.name = name;
        this.bnFolded = bnFolded;
        this.graph = graph;
        this.keys = new KeyedParameters(bnFolded);
        this.network = new EagerBuilder(keys).network(graph);
    }

    /** A new, uninitialized network; no native memory is used until {@link #loadStateDict} (or DJL) initializes it. */
    public static InceptionNetwork create(Architecture arch, int numClasses, boolean bnFolded) {
        return new InceptionNetwork(arch.timmName(), arch.graph(numClasses), bnFolded);
    }

    /** The eager blocks of any description, e.g. a small one in a test. */
    public static InceptionNetwork of(NetworkGraph graph, boolean bnFolded) {
        return new InceptionNetwork(graph.className(), graph, bnFolded);
    }

    /** The DJL block: input NDList(float32 [N,3,H,W]), output NDList(logits float32 [N,numClasses]). */
    public Block block() {
        return network;
    }

    public boolean bnFolded() {
        return bnFolded;
    }

    /** The description the blocks were derived from. */
    public NetworkGraph graph() {
        return graph;
    }

    /**
     * timm state-dict keys and shapes, in state_dict order, without {@code num_batches_tracked}, unfused (what a timm
     * checkpoint holds).
     */
    public static LinkedHashMap<String, long[]> stateDictShapes(Architecture arch, int numClasses) {
        return arch.graph(numClasses).stateDictShapes();
    }

    /**
     * Seeded, deterministic, engine-independent random weights for every key of {@link #stateDictShapes}: He-normal
     * convolution and linear weights, identity BatchNorm, zero biases. The same seed gives bit-identical tensors.
     */
    public static Map<String, HostTensor> randomStateDict(Architecture arch, int numClasses, long seed) {
        return SeededWeights.generate(stateDictShapes(arch, numClasses), seed);
    }

    /** {@link #randomStateDict(Architecture, int, long)} for any description, e.g. an embedding network. */
    public static Map<String, HostTensor> randomStateDict(NetworkGraph graph, long seed) {
        return SeededWeights.generate(graph.stateDictShapes(), seed);
    }

    /**
     * Loads a timm (unfused) state dict strictly, like {@code load_state_dict(strict=True)}: keys ending in
     * {@code .num_batches_tracked} are ignored; missing keys, unexpected keys and shape mismatches are all reported
     * in one {@link CheckpointMismatchException}, before anything is copied. With {@code bnFolded} the BatchNorms are
     * folded into their convolutions. Initializes the block on {@code manager} (input [1,3,299,299], or 224x224 where the network needs it) if needed, then
     * copies every value into its parameter and freezes the parameters. Pass the manager of the DJL model that holds
     * {@link #block()} so that the parameters live and die with the model.
     */
    public void loadStateDict(Map<String, HostTensor> stateDict, NDManager manager) {
        checkStrict(stateDict);
        Map<String, float[]> folded =
                bnFolded ? BatchNormFolding.fold(graph, k -> stateDict.get(k).data()) : Map.of();
        initialize(manager, DataType.FLOAT32);
        for (Map.Entry<String, Parameter> e : keys.parameters().entrySet()) {
            String name = e.getKey();
            float[] values = folded.containsKey(name)
                    ? folded.get(name)
                    : stateDict.get(name).data();
            checkedArray(name, e.getValue(), DataType.FLOAT32).set(FloatBuffer.wrap(values));
        }
        network.freezeParameters(true);
    }

    /**
     * Loads in float64, for checks against timm's float64 reference run: the network computes in double and BN
     * folding stays in double. Keys as in {@link #stateDictShapes} (row-major values); not for serving.
     */
    void loadStateDictFloat64(Map<String, double[]> stateDict, NDManager manager) {
        for (Map.Entry<String, long[]> e : graph.stateDictShapes().entrySet()) {
            double[] v = stateDict.get(e.getKey());
            if (v == null || v.length != new Shape(e.getValue()).size()) {
                throw new IllegalArgumentException("missing or wrong-sized " + e.getKey());
            }
        }
        Map<String, double[]> folded = bnFolded ? BatchNormFolding.foldDouble(graph, stateDict::get) : Map.of();
        initialize(manager, DataType.FLOAT64);
        for (Map.Entry<String, Parameter> e : keys.parameters().entrySet()) {
            String name = e.getKey();
            double[] values = folded.containsKey(name) ? folded.get(name) : stateDict.get(name);
            checkedArray(name, e.getValue(), DataType.FLOAT64).set(DoubleBuffer.wrap(values));
        }
        network.freezeParameters(true);
    }

    private void initialize(NDManager manager, DataType dataType) {
        if (!network.isInitialized()) {
            // every value is overwritten right after; zeros is the cheapest initializer DJL accepts
            network.setInitializer(Initializer.ZEROS, p -> true);
            int size = initSize(graph);
            network.initialize(manager, dataType, new Shape(1, graph.inChannels(), size, size));
        }
    }

    private static int initSize(NetworkGraph graph) {
        IllegalArgumentException last = null;
        for (int size : INIT_SIZES) {
            try {
                graph.outputShapes(size, size);
                return size;
            } catch (IllegalArgumentException e) {
                last = e;
            }
        }
        throw new IllegalStateException(
                graph.className() + " accepts none of the sizes " + Arrays.toString(INIT_SIZES), last);
    }

    /** The parameter's array, after checking its data type and that DJL inferred the timm key's shape. */
    private NDArray checkedArray(String name, Parameter parameter, DataType dataType) {
        NDArray array = parameter.getArray();
        if (array.getDataType() != dataType) {
            throw new IllegalStateException("network was initialized as " + array.getDataType() + ", not " + dataType);
        }
        long[] expected = keys.parameterShapes().get(name);
        if (!Arrays.equals(array.getShape().getShape(), expected)) {
            throw new IllegalStateException(
                    "DJL inferred " + array.getShape() + " for " + name + ", expected " + Arrays.toString(expected));
        }
        return array;
    }

    private void checkStrict(Map<String, HostTensor> stateDict) {
        checkStrict(name, graph, stateDict);
    }

    /**
     * Throws {@link CheckpointMismatchException} listing every missing key, unexpected key and shape mismatch of
     * {@code stateDict} against {@code graph}, like {@code load_state_dict(strict=True)}.
     */
    public static void checkStrict(String model, NetworkGraph graph, Map<String, HostTensor> stateDict) {
        Map<String, long[]> shapes = new HashMap<>();
        stateDict.forEach((k, t) -> shapes.put(k, t.shape()));
        KeyCheck check = KeyCheck.compare(graph, shapes);
        if (!check.matches()) {
            throw new CheckpointMismatchException(model, check.missing(), check.unexpected(), check.mismatched());
        }
    }

    /** DJL parameters by stable name, in construction (timm) order. */
    Map<String, Parameter> parameters() {
        return keys.parameters();
    }

    /** timm module names of the stages, in order (features.0..21, or conv2d_1a..conv2d_7b). */
    List<String> stageNames() {
        return network.stageNames();
    }

    /**
     * Runs the initialized network on {@code input} and returns every stage's output followed by the logits; the
     * arrays belong to {@code input}'s manager.
     */
    NDList forwardStages(NDArray input) {
        return network.forwardStages(new ParameterStore(input.getManager(), false), new NDList(input));
    }

    /** The output shape of every stage for an input shape, as DJL infers it (no computation). */
    LinkedHashMap<String, Shape> stageOutputShapes(Shape input) {
        return network.stageOutputShapes(input);
    }
}
