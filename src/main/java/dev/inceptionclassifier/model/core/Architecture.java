package dev.inceptionclassifier.model.core;

import java.util.Arrays;
import java.util.Locale;

import dev.inceptionclassifier.model.graph.InceptionResNetV2Graph;
import dev.inceptionclassifier.model.graph.InceptionV4Graph;
import dev.inceptionclassifier.model.graph.NetworkGraph;

/** The architectures this service implements, named as timm names them. */
public enum Architecture {
    INCEPTION_V4("inception_v4", 0.875),
    INCEPTION_RESNET_V2("inception_resnet_v2", 0.8975);

    private final String timmName;
    private final double defaultCropPct;

    Architecture(String timmName, double defaultCropPct) {
        this.timmName = timmName;
        this.defaultCropPct = defaultCropPct;
    }

    /** timm's model name, e.g. {@code inception_v4}. */
    public String timmName() {
        return timmName;
    }

    /** crop_pct of timm's default pretrained config ({@code tf_in1k}). */
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
