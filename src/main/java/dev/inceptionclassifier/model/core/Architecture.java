package dev.inceptionclassifier.model.core;

import dev.inceptionclassifier.model.graph.BnInceptionGraph;
import dev.inceptionclassifier.model.graph.GoogLeNetGraph;
import dev.inceptionclassifier.model.graph.InceptionResNetV1Graph;
import dev.inceptionclassifier.model.graph.InceptionResNetV2Graph;
import dev.inceptionclassifier.model.graph.InceptionV3Graph;
import dev.inceptionclassifier.model.graph.InceptionV4Graph;
import dev.inceptionclassifier.model.graph.NetworkGraph;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The architectures this service implements, named as timm names them (GoogLeNet, BN-Inception and
 * Inception-ResNet-v1, which timm lacks, by their usual short names), with what a checkpoint without a config of
 * its own implies: the preprocessing preset of the weights published for it, its native input size, the layer
 * that classifies, and the size of the embedding it serves, if it is an embedding network.
 */
public enum Architecture {
    // name, crop_pct, input size, preset of its published .pth / random weights, classifier layer, embedding size
    INCEPTION_V4("inception_v4", 0.875, 299, "timm", "last_linear", 0),
    INCEPTION_RESNET_V2("inception_resnet_v2", 0.8975, 299, "timm", "classif", 0),
    /** torchvision's GoogLeNet (Inception-v1). */
    GOOGLENET("googlenet", 0.875, 224, "torchvision", "fc", 0),
    /** Cadene's BN-Inception (Inception-v2). */
    BNINCEPTION("bninception", 0.875, 224, "cadene", "last_linear", 0),
    /** timm's inception_v3 (torchvision's Inception3, the same network). */
    INCEPTION_V3("inception_v3", 0.875, 299, "torchvision", "fc", 0),
    /** facenet-pytorch's InceptionResnetV1, a face-embedding network (faces resized to 160x160, no crop). */
    INCEPTION_RESNET_V1("inception_resnet_v1", 1.0, 160, "facenet", "logits", 512);

    private final String timmName;
    private final double defaultCropPct;
    private final int inputSize;
    private final String defaultPreset;
    private final String classifier;
    private final int embeddingSize;

    Architecture(
            String timmName,
            double defaultCropPct,
            int inputSize,
            String defaultPreset,
            String classifier,
            int embeddingSize) {
        this.timmName = timmName;
        this.defaultCropPct = defaultCropPct;
        this.inputSize = inputSize;
        this.defaultPreset = defaultPreset;
        this.classifier = classifier;
        this.embeddingSize = embeddingSize;
    }

    /** timm's model name, e.g. {@code inception_v4}. */
    public String timmName() {
        return timmName;
    }

    /** crop_pct of the default pretrained weights' eval transform (timm's {@code tf_in1k} for v4 and IRv2). */
    public double defaultCropPct() {
        return defaultCropPct;
    }

    /** The network's native input side in pixels (299, 224 or 160). */
    public int inputSize() {
        return inputSize;
    }

    /**
     * The preprocessing preset ({@code timm}, {@code torchvision}, {@code cadene}, {@code facenet}) of the weights
     * people publish for it as {@code .pth}/{@code .pt} state dicts; also used for random weights and TorchScript
     * files. A timm checkpoint brings its own in {@code config.json}.
     */
    public String defaultPreset() {
        return defaultPreset;
    }

    /**
     * The preprocessing its published state dicts, random weights and TorchScript files get by default:
     * {@link #defaultPreset()} at {@link #inputSize()}, with timm's crop_pct for the timm preset.
     */
    public InputPreprocessing defaultPreprocessing(String source) {
        return new InputPreprocessing(
                defaultPreset,
                inputSize,
                defaultPreset.equals("timm") ? defaultCropPct : null,
                null,
                null,
                null,
                null,
                source);
    }

    /**
     * Module name of the classifier layer ({@code <name>.weight} is [classes, features]): how many classes a state
     * dict has, and whether it has a classifier at all.
     */
    public String classifier() {
        return classifier;
    }

    /** Length of the embedding the network outputs without its classifier, or 0 if it is a classifier only. */
    public int embeddingSize() {
        return embeddingSize;
    }

    /**
     * What a network of this architecture with {@code numClasses} outputs serves: an embedding network embeds, and
     * also classifies when its checkpoint carries the classifier ({@code numClasses > 0}); any other classifies.
     */
    public List<Task> tasks(int numClasses) {
        if (embeddingSize == 0) {
            return List.of(Task.CLASSIFY);
        }
        return numClasses > 0 ? List.of(Task.CLASSIFY, Task.EMBED) : List.of(Task.EMBED);
    }

    /** The architecture's description (the one definition every backend derives from), for {@code numClasses}. */
    public NetworkGraph graph(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
        }
        return switch (this) {
            case INCEPTION_V4 -> InceptionV4Graph.build(numClasses);
            case INCEPTION_RESNET_V2 -> InceptionResNetV2Graph.build(numClasses);
            case GOOGLENET -> GoogLeNetGraph.build(numClasses, false);
            case BNINCEPTION -> BnInceptionGraph.build(numClasses);
            case INCEPTION_V3 -> InceptionV3Graph.build(numClasses, false);
            case INCEPTION_RESNET_V1 -> InceptionResNetV1Graph.classifier(numClasses);
        };
    }

    /**
     * The description a served model runs: {@link #graph(int)}, except that an embedding network without a
     * classifier ({@code numClasses} 0) outputs its L2-normalised embedding, one with a classifier outputs its
     * logits followed by the embedding (so one forward pass serves both tasks), and torchvision's GoogLeNet and
     * Inception-v3 weights ({@code torchvisionInput}) get the {@code transform_input} they were published with.
     */
    public NetworkGraph servingGraph(int numClasses, boolean torchvisionInput) {
        if (embeddingSize > 0) {
            return numClasses == 0
                    ? InceptionResNetV1Graph.embedding()
                    : InceptionResNetV1Graph.classifierAndEmbedding(numClasses);
        }
        return torchvisionInput && (this == GOOGLENET || this == INCEPTION_V3)
                ? graphWithTransformInput(numClasses)
                : graph(numClasses);
    }

    /**
     * The description with torchvision's {@code transform_input} in front of the first convolution, as
     * torchvision's pretrained {@code googlenet} and {@code inception_v3} run (only those two have it).
     */
    public NetworkGraph graphWithTransformInput(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
        }
        return switch (this) {
            case GOOGLENET -> GoogLeNetGraph.build(numClasses, true);
            case INCEPTION_V3 -> InceptionV3Graph.build(numClasses, true);
            default -> throw new UnsupportedOperationException(timmName + " has no transform_input");
        };
    }

    /**
     * The description of a checkpoint without a classifier, whose output is the L2-normalised embedding
     * (Inception-ResNet-v1 without {@code logits}: 512 values); only that architecture has one.
     */
    public NetworkGraph embeddingGraph() {
        if (this != INCEPTION_RESNET_V1) {
            throw new UnsupportedOperationException(timmName + " is a classifier; it has no embedding output");
        }
        return InceptionResNetV1Graph.embedding();
    }

    /** The architecture for a timm name; throws with the list of known names otherwise. */
    public static Architecture fromTimmName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(a -> a.timmName.equals(n))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown architecture '" + name + "'; known: "
                        + Arrays.stream(values()).map(Architecture::timmName).toList()));
    }
}
