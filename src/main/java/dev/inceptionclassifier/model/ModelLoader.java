package dev.inceptionclassifier.model;

import ai.djl.Device;
import ai.djl.Model;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import dev.inceptionclassifier.model.checkpoint.PthReader;
import dev.inceptionclassifier.model.checkpoint.SafetensorsReader;
import dev.inceptionclassifier.model.checkpoint.TimmConfig;
import dev.inceptionclassifier.model.checkpoint.TorchScriptLoader;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.model.core.InputPreprocessing;
import dev.inceptionclassifier.model.core.Task;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import dev.inceptionclassifier.model.source.LabelsResolver;
import dev.inceptionclassifier.model.source.ModelSourceResolver;
import dev.inceptionclassifier.model.source.ModelUnavailableException;
import dev.inceptionclassifier.model.source.Pins;
import dev.inceptionclassifier.model.source.ResolvedSource;
import dev.inceptionclassifier.model.source.SourceSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one {@code classifier.models[i]} entry into a {@link LoadedModel}: resolves the source (downloading into the
 * cache if needed), reads the checkpoint (timm safetensors and config, a PyTorch state dict, or TorchScript), checks
 * it strictly against the architecture, and places one
 * copy on every device: the compiled TorchScript program (the default) or the eager DJL blocks, both derived from the
 * architecture's description, in the model's precision. A source that cannot be fetched falls back to seeded random
 * weights only where {@code classifier.fallback-to-random} allows it, loudly.
 */
public final class ModelLoader {

    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);

    private final ModelSourceResolver sources;
    private final LabelsResolver labelsResolver;
    private final boolean fallbackToRandom;
    private final Precision defaultPrecision;
    private final Execution defaultExecution;
    private final CpuFeatures cpu;

    /**
     * @param defaultPrecision the precision of models that do not set their own
     * @param defaultExecution the execution of models that do not set their own
     * @param cpu the CPU's features, to refuse bf16 where it is not native
     */
    ModelLoader(
            ModelSourceResolver sources,
            LabelsResolver labelsResolver,
            boolean fallbackToRandom,
            Precision defaultPrecision,
            Execution defaultExecution,
            CpuFeatures cpu) {
        this.sources = sources;
        this.labelsResolver = labelsResolver;
        this.fallbackToRandom = fallbackToRandom;
        this.defaultPrecision = defaultPrecision;
        this.defaultExecution = defaultExecution;
        this.cpu = cpu;
    }

    /** How a model runs: its precision and execution, the model's own settings over the defaults. */
    private record Plan(Precision precision, Execution execution) {}

    /**
     * Loads the model on every device; throws {@link ModelLoadException} naming the model and the cause. A
     * precision the devices cannot run is refused before anything is fetched or loaded.
     */
    public LoadedModel load(ModelSettings props, List<Device> devices) {
        String source = props.source();
        try {
            Plan plan = new Plan(
                    props.precision() != null ? Precision.parse(props.precision()) : defaultPrecision,
                    props.execution() != null ? Execution.parse(props.execution()) : defaultExecution);
            PrecisionPolicy.check(props.name(), plan.precision(), plan.execution(), devices, cpu);
            Architecture arch = props.architecture() == null ? null : Architecture.fromTimmName(props.architecture());
            ResolvedSource resolved = resolve(props, arch);
            if (resolved instanceof ResolvedSource.TimmCheckpoint c) {
                return loadTimm(props, arch, c, devices, plan);
            }
            if (resolved instanceof ResolvedSource.StateDict d) {
                return loadStateDict(props, arch, d, devices, plan);
            }
            if (resolved instanceof ResolvedSource.TorchScript t) {
                PrecisionPolicy.check(props.name(), plan.precision(), Execution.TORCHSCRIPT, devices, cpu);
                return loadTorchScript(props, t, devices);
            }
            return loadRandom(props, arch, (ResolvedSource.RandomWeights) resolved, devices, plan);
        } catch (ModelLoadException e) {
            throw e;
        } catch (IOException | RuntimeException | Error e) {
            throw new ModelLoadException(props.name(), source == null ? "default" : source, e);
        }
    }

    private ResolvedSource resolve(ModelSettings props, Architecture arch) {
        try {
            return sources.resolve(
                    props.source(),
                    arch,
                    props.seed(),
                    new Pins(props.sha256().weights(), props.sha256().config(), props.allowUnpinnedTorchscript()));
        } catch (ModelUnavailableException e) {
            if (!fallbackToRandom || arch == null) {
                throw e;
            }
            log.warn("""

                    ************************************************************************************
                    * Model '{}' could not be fetched: {}
                    * Serving SEEDED RANDOM WEIGHTS (seed {}) instead: predictions are meaningless.
                    * Every response and GET /models says so. This happens only because
                    * classifier.fallback-to-random=true (the dev profile of ./mvnw spring-boot:run).
                    ************************************************************************************""", props.name(), e.getMessage(), props.seed());
            return new ResolvedSource.RandomWeights(props.seed());
        }
    }

    private LoadedModel loadTimm(
            ModelSettings props,
            Architecture configured,
            ResolvedSource.TimmCheckpoint c,
            List<Device> devices,
            Plan plan)
            throws IOException {
        TimmConfig config = TimmConfig.read(c.configJson());
        Architecture arch = Architecture.fromTimmName(config.architecture());
        if (configured != null && configured != arch) {
            throw new IllegalArgumentException("config.json says architecture '" + config.architecture()
                    + "' but the model is configured as '" + configured.timmName() + "'");
        }
        int numClasses = config.numClasses();
        Labels labels = labels(props, numClasses, config.labelNames());
        Map<String, HostTensor> state = SafetensorsReader.read(c.weights());
        InputPreprocessing preprocess = inputSize(config.preprocess(), props);
        // timm's networks (its inception_v3 included) have no transform_input: config.json's mean/std say it all
        Map<Device, Model> models =
                build(props, arch.servingGraph(numClasses, false), preprocess, state, devices, plan);
        return loaded(props, arch, c.description(), false, numClasses, labels, preprocess, plan, models);
    }

    /**
     * A {@code torch.save} state dict in the architecture's reference layout (torchvision, Cadene, facenet-pytorch
     * or timm key names), read by the restricted unpickler and checked like a safetensors checkpoint. It brings no
     * config: the architecture must be configured, the class count is the classifier's row count, and the
     * preprocessing is the architecture's preset.
     */
    private LoadedModel loadStateDict(
            ModelSettings props, Architecture arch, ResolvedSource.StateDict d, List<Device> devices, Plan plan)
            throws IOException {
        if (arch == null) {
            throw new IllegalArgumentException(
                    "a .pth/.pt state dict has no config.json: set classifier.models[].architecture");
        }
        Map<String, HostTensor> state = PthReader.read(d.file());
        int numClasses = StateDictClasses.count(arch, state, props.numClasses());
        Labels labels = labels(props, numClasses, null);
        InputPreprocessing preprocess = inputSize(arch.defaultPreprocessing("architecture default"), props);
        Map<Device, Model> models = build(props, servingGraph(arch, numClasses), preprocess, state, devices, plan);
        return loaded(props, arch, d.description(), false, numClasses, labels, preprocess, plan, models);
    }

    private LoadedModel loadRandom(
            ModelSettings props, Architecture arch, ResolvedSource.RandomWeights r, List<Device> devices, Plan plan) {
        if (arch == null) {
            throw new IllegalArgumentException("random weights need classifier.models[].architecture");
        }
        // an embedding network's random weights embed only, unless classes are asked for
        int numClasses = props.numClasses() != null ? props.numClasses() : arch.embeddingSize() > 0 ? 0 : 1000;
        Labels labels = labels(props, numClasses, null);
        NetworkGraph graph = servingGraph(arch, numClasses);
        Map<String, HostTensor> state = InceptionNetwork.randomStateDict(graph, r.seed());
        InputPreprocessing preprocess = inputSize(arch.defaultPreprocessing("architecture default"), props);
        Map<Device, Model> models = build(props, graph, preprocess, state, devices, plan);
        return loaded(props, arch, r.description(), true, numClasses, labels, preprocess, plan, models);
    }

    private LoadedModel loadTorchScript(ModelSettings props, ResolvedSource.TorchScript t, List<Device> devices)
            throws IOException {
        if (props.numClasses() == null) {
            throw new IllegalArgumentException("a TorchScript model needs classifier.models[].num-classes");
        }
        int numClasses = props.numClasses();
        Labels labels = labels(props, numClasses, null);
        Map<Device, Model> models = new LinkedHashMap<>();
        try {
            for (Device d : devices) {
                models.put(d, TorchScriptLoader.load(t.file(), d, props.name()));
            }
        } catch (IOException | RuntimeException e) {
            models.values().forEach(Model::close);
            throw e;
        }
        Architecture arch = props.architecture() != null
                ? Architecture.fromTimmName(props.architecture())
                : Architecture.INCEPTION_V4;
        InputPreprocessing preprocess = inputSize(
                arch.defaultPreprocessing(
                        props.architecture() != null ? "architecture default" : "default (inception_v4)"),
                props);
        return new LoadedModel(
                info(
                        props,
                        "torchscript",
                        t.description(),
                        false,
                        numClasses,
                        labels,
                        preprocess,
                        List.of(Task.CLASSIFY),
                        new Plan(Precision.FP32, Execution.TORCHSCRIPT)),
                labels.names(),
                models);
    }

    /**
     * The description for weights without a config of their own (state dicts, random weights): with torchvision's
     * {@code transform_input} where the architecture's published weights use torchvision's preset.
     */
    private static NetworkGraph servingGraph(Architecture arch, int numClasses) {
        return arch.servingGraph(numClasses, arch.defaultPreset().equals("torchvision"));
    }

    private static Map<Device, Model> build(
            ModelSettings props,
            NetworkGraph graph,
            InputPreprocessing preprocess,
            Map<String, HostTensor> state,
            List<Device> devices,
            Plan plan) {
        int size = preprocess.inputSize();
        try {
            graph.outputShapes(size, size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "the network cannot take a " + size + "x" + size + " input ("
                            + e.getMessage()
                            + "); set classifier.models[].preprocess.input-size to a size it accepts (its"
                            + " native size does)",
                    e);
        }
        Map<Device, Model> models = new LinkedHashMap<>();
        try {
            for (Device d : devices) {
                models.put(
                        d,
                        Networks.load(
                                props.name(),
                                graph,
                                state,
                                plan.precision(),
                                plan.execution(),
                                props.foldBatchNorm(),
                                d));
            }
        } catch (RuntimeException e) {
            models.values().forEach(Model::close);
            throw e;
        }
        return models;
    }

    /** A built-in architecture's model: what it serves follows from the architecture and its class count. */
    private static LoadedModel loaded(
            ModelSettings props,
            Architecture arch,
            String weights,
            boolean random,
            int numClasses,
            Labels labels,
            InputPreprocessing preprocess,
            Plan plan,
            Map<Device, Model> models) {
        ModelInfo info = info(
                props, arch.timmName(), weights, random, numClasses, labels, preprocess, arch.tasks(numClasses), plan);
        return new LoadedModel(info, labels.names(), models);
    }

    /** Class names and where they came from. */
    private record Labels(List<String> names, String source) {}

    private Labels labels(ModelSettings props, int numClasses, List<String> fromModel) {
        if (numClasses == 0) {
            if (props.labels() != null && !props.labels().isBlank()) {
                throw new IllegalArgumentException(
                        "classifier.models[].labels is set but the model has no classifier (it only embeds)");
            }
            return new Labels(List.of(), "none (embedding only)");
        }
        if (props.labels() != null && !props.labels().isBlank()) {
            try {
                return new Labels(
                        labelsResolver.resolve(props.labels(), numClasses), labelsDescription(props.labels()));
            } catch (ModelUnavailableException e) {
                if (!fallbackToRandom) {
                    throw e;
                }
                log.warn(
                        "Labels '{}' of model '{}' could not be fetched ({}); using class_<index>",
                        props.labels(),
                        props.name(),
                        e.getMessage());
                return new Labels(
                        indexLabels(numClasses),
                        "class_<index> (" + labelsDescription(props.labels()) + " unavailable)");
            }
        }
        if (fromModel != null) {
            if (fromModel.size() != numClasses) {
                throw new IllegalArgumentException(
                        "config.json has " + fromModel.size() + " label_names for " + numClasses + " classes");
            }
            return new Labels(fromModel, "config.json label_names");
        }
        return new Labels(indexLabels(numClasses), "class_<index>");
    }

    /**
     * The network is fed {@code classifier.models[].preprocess.input-size} when it is set; the other preprocessing
     * overrides are the image pipeline's (the API applies them).
     */
    private static InputPreprocessing inputSize(InputPreprocessing preprocess, ModelSettings props) {
        Integer size = props.inputSize();
        return size == null ? preprocess : preprocess.withInputSize(size);
    }

    private static ModelInfo info(
            ModelSettings props,
            String architecture,
            String weights,
            boolean random,
            int numClasses,
            Labels labels,
            InputPreprocessing preprocess,
            List<Task> tasks,
            Plan plan) {
        // the compiled program always runs folded; a TorchScript file is whatever it was exported as
        boolean bnFolded = switch (plan.execution()) {
            case COMPILED -> true;
            case EAGER -> props.foldBatchNorm();
            case TORCHSCRIPT -> false;
        };
        return new ModelInfo(
                props.name(),
                architecture,
                weights,
                random,
                numClasses,
                labels.source(),
                preprocess,
                bnFolded,
                plan.precision().id(),
                plan.execution().id(),
                tasks);
    }

    private static String labelsDescription(String spec) {
        // Only the file name of a local path: GET /models must not disclose the server's folder layout.
        if (spec.startsWith("https://") || spec.startsWith("http://") || !spec.contains("/")) {
            return spec;
        }
        return Path.of(spec).getFileName().toString();
    }

    static List<String> indexLabels(int n) {
        List<String> labels = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            labels.add("class_" + i);
        }
        return labels;
    }

    /**
     * The loader of the Spring wiring, on this machine's CPU.
     *
     * @param precision the default precision ({@code fp32}, {@code bf16}, {@code fp16})
     * @param execution the default execution ({@code compiled}, {@code eager})
     */
    public static ModelLoader create(
            SourceSettings sources, boolean fallbackToRandom, String precision, String execution) {
        return new ModelLoader(
                new ModelSourceResolver(sources),
                new LabelsResolver(sources),
                fallbackToRandom,
                Precision.parse(precision),
                Execution.parse(execution),
                CpuFeatures.system());
    }
}
