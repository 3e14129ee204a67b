package dev.inceptionclassifier.model;

import java.util.Arrays;
import java.util.Locale;

import dev.inceptionclassifier.model.graph.BnInceptionGraph;
import dev.inceptionclassifier.model.graph.GoogLeNetGraph;
import dev.inceptionclassifier.model.graph.InceptionResNetV1Graph;
import dev.inceptionclassifier.model.graph.InceptionResNetV2Graph;
import dev.inceptionclassifier.model.graph.InceptionV3Graph;
import dev.inceptionclassifier.model.graph.InceptionV4Graph;
import dev.inceptionclassifier.model.graph.NetworkGraph;

/**
 * The architectures this service implements, named as timm names them (GoogLeNet, BN-Inception and
 * Inception-ResNet-v1, which timm lacks, by their usual short names).
 */
public enum Architecture {
    INCEPTION_V4("inception_v4", 299, 0.875),
    INCEPTION_RESNET_V2("inception_resnet_v2", 299, 0.8975),
    /** torchvision's GoogLeNet (Inception-v1). */
    GOOGLENET("googlenet", 224, 0.875),
    /** Cadene's BN-Inception (Inception-v2). */
    BNINCEPTION("bninception", 224, 0.875),
    /** timm's inception_v3 (torchvision's Inception3, the same network). */
    INCEPTION_V3("inception_v3", 299, 0.875),
    /** facenet-pytorch's InceptionResnetV1, a face-embedding network (faces resized to 160x160, no crop). */
    INCEPTION_RESNET_V1("inception_resnet_v1", 160, 1.0);

    private final String timmName;
    private final int inputSize;
    private final double defaultCropPct;

    Architecture(String timmName, int inputSize, double defaultCropPct) {
        this.timmName = timmName;
        this.inputSize = inputSize;
        this.defaultCropPct = defaultCropPct;
    }

    /** timm's model name, e.g. {@code inception_v4}, or the short name of a model timm lacks. */
    public String timmName() {
        return timmName;
    }

    /** The square input side the published weights were trained at (299, 224 or 160). */
    public int inputSize() {
        return inputSize;
    }

    /** crop_pct of the default pretrained weights' eval transform (timm's {@code tf_in1k} for v4 and IRv2). */
    public double defaultCropPct() {
        return defaultCropPct;
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
        return Arrays.stream(values()).filter(a -> a.timmName.equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown architecture '" + name + "'; known: "
                        + Arrays.stream(values()).map(Architecture::timmName).toList()));
    }
}
