package dev.inceptionclassifier.model.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.inceptionclassifier.model.graph.InceptionResNetV2Graph;
import dev.inceptionclassifier.model.graph.InceptionV4Graph;
import dev.inceptionclassifier.model.graph.NetworkGraph;

/**
 * The architectures this service implements, named as timm names them, with what a checkpoint without a config of
 * its own implies: the preprocessing preset of the weights published for it, its native input size, the layer
 * that classifies, and the size of the embedding it serves, if it is an embedding network.
 */
public enum Architecture {
    // name, crop_pct, input size, preset of its published .pth / random weights, classifier layer, embedding size
    INCEPTION_V4("inception_v4", 0.875, 299, "timm", "last_linear", 0),
    INCEPTION_RESNET_V2("inception_resnet_v2", 0.8975, 299, "timm", "classif", 0);

    private final String timmName;
    private final double defaultCropPct;
    private final int inputSize;
    private final String defaultPreset;
    private final String classifier;
    private final int embeddingSize;

    Architecture(String timmName, double defaultCropPct, int inputSize, String defaultPreset, String classifier,
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

    /** crop_pct of timm's default pretrained config ({@code tf_in1k}). */
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
        return new InputPreprocessing(defaultPreset, inputSize, defaultPreset.equals("timm") ? defaultCropPct : null,
                null, null, null, null, source);
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
        };
    }

    /** The architecture for a timm name; throws with the list of known names otherwise. */
    public static Architecture fromTimmName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.timmName.equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown architecture '" + name + "'; known: "
                        + Arrays.stream(values()).map(Architecture::timmName).toList()));
    }
}
