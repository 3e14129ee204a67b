package dev.inceptionclassifier.model.graph;

import static dev.inceptionclassifier.model.graph.Layers.avgPool3ExcludingPad;
import static dev.inceptionclassifier.model.graph.Layers.cat;
import static dev.inceptionclassifier.model.graph.Layers.conv1;
import static dev.inceptionclassifier.model.graph.Layers.conv1xk;
import static dev.inceptionclassifier.model.graph.Layers.conv3;
import static dev.inceptionclassifier.model.graph.Layers.conv3s2;
import static dev.inceptionclassifier.model.graph.Layers.conv3valid;
import static dev.inceptionclassifier.model.graph.Layers.convkx1;
import static dev.inceptionclassifier.model.graph.Layers.maxPool3s2;
import static dev.inceptionclassifier.model.graph.Layers.seq;

import java.util.ArrayList;
import java.util.List;

/** timm's {@code inception_v4}: {@code features.0..21}, global average pool, {@code last_linear}. */
public final class InceptionV4Graph {

    public static final int NUM_FEATURES = 1536;

    private InceptionV4Graph() {}

    public static NetworkGraph build(int numClasses) {
        List<NetworkGraph.Stage> s = new ArrayList<>();
        s.add(stage("features.0", conv3s2("features.0", 3, 32)));
        s.add(stage("features.1", conv3valid("features.1", 32, 32)));
        s.add(stage("features.2", conv3("features.2", 32, 64)));
        s.add(stage("features.3", mixed3a("features.3")));
        s.add(stage("features.4", mixed4a("features.4")));
        s.add(stage("features.5", mixed5a("features.5")));
        for (int i = 6; i <= 9; i++) {
            s.add(stage("features." + i, inceptionA("features." + i)));
        }
        s.add(stage("features.10", reductionA("features.10")));
        for (int i = 11; i <= 17; i++) {
            s.add(stage("features." + i, inceptionB("features." + i)));
        }
        s.add(stage("features.18", reductionB("features.18")));
        for (int i = 19; i <= 21; i++) {
            s.add(stage("features." + i, inceptionC("features." + i)));
        }
        return new NetworkGraph("InceptionV4", 3, s, Layers.classifier("last_linear", NUM_FEATURES, numClasses));
    }

    private static NetworkGraph.Stage stage(String name, Node body) {
        return new NetworkGraph.Stage(name, body);
    }

    /** 64 -> 160: [maxpool 64, conv 96] (pool first, unlike Mixed5a). */
    private static Node mixed3a(String p) {
        return cat(maxPool3s2(), conv3s2(p + ".conv", 64, 96));
    }

    /** 160 -> 192. */
    private static Node mixed4a(String p) {
        return cat(
                seq(conv1(p + ".branch0.0", 160, 64), conv3valid(p + ".branch0.1", 64, 96)),
                seq(
                        conv1(p + ".branch1.0", 160, 64),
                        conv1xk(p + ".branch1.1", 64, 64, 7),
                        convkx1(p + ".branch1.2", 64, 64, 7),
                        conv3valid(p + ".branch1.3", 64, 96)));
    }

    /** 192 -> 384: [conv 192, maxpool 192] (conv first, unlike Mixed3a). */
    private static Node mixed5a(String p) {
        return cat(conv3s2(p + ".conv", 192, 192), maxPool3s2());
    }

    /** 384 -> 384 at 35x35. */
    private static Node inceptionA(String p) {
        return cat(
                conv1(p + ".branch0", 384, 96),
                seq(conv1(p + ".branch1.0", 384, 64), conv3(p + ".branch1.1", 64, 96)),
                seq(conv1(p + ".branch2.0", 384, 64), conv3(p + ".branch2.1", 64, 96), conv3(p + ".branch2.2", 96, 96)),
                seq(avgPool3ExcludingPad(), conv1(p + ".branch3.1", 384, 96)));
    }

    /** 384 -> 1024, 35x35 -> 17x17. */
    private static Node reductionA(String p) {
        return cat(
                conv3s2(p + ".branch0", 384, 384),
                seq(
                        conv1(p + ".branch1.0", 384, 192),
                        conv3(p + ".branch1.1", 192, 224),
                        conv3s2(p + ".branch1.2", 224, 256)),
                maxPool3s2());
    }

    /** 1024 -> 1024 at 17x17; branch1 is 1x7 then 7x1, branch2 starts with 7x1. */
    private static Node inceptionB(String p) {
        return cat(
                conv1(p + ".branch0", 1024, 384),
                seq(
                        conv1(p + ".branch1.0", 1024, 192),
                        conv1xk(p + ".branch1.1", 192, 224, 7),
                        convkx1(p + ".branch1.2", 224, 256, 7)),
                seq(
                        conv1(p + ".branch2.0", 1024, 192),
                        convkx1(p + ".branch2.1", 192, 192, 7),
                        conv1xk(p + ".branch2.2", 192, 224, 7),
                        convkx1(p + ".branch2.3", 224, 224, 7),
                        conv1xk(p + ".branch2.4", 224, 256, 7)),
                seq(avgPool3ExcludingPad(), conv1(p + ".branch3.1", 1024, 128)));
    }

    /** 1024 -> 1536, 17x17 -> 8x8. */
    private static Node reductionB(String p) {
        return cat(
                seq(conv1(p + ".branch0.0", 1024, 192), conv3s2(p + ".branch0.1", 192, 192)),
                seq(
                        conv1(p + ".branch1.0", 1024, 256),
                        conv1xk(p + ".branch1.1", 256, 256, 7),
                        convkx1(p + ".branch1.2", 256, 320, 7),
                        conv3s2(p + ".branch1.3", 320, 320)),
                maxPool3s2());
    }

    /** 1536 -> 1536 at 8x8: [256, cat(1x3, 3x1) 512, cat(1x3, 3x1) 512, 256]. */
    private static Node inceptionC(String p) {
        return cat(
                conv1(p + ".branch0", 1536, 256),
                seq(
                        conv1(p + ".branch1_0", 1536, 384),
                        cat(conv1xk(p + ".branch1_1a", 384, 256, 3), convkx1(p + ".branch1_1b", 384, 256, 3))),
                seq(
                        conv1(p + ".branch2_0", 1536, 384),
                        convkx1(p + ".branch2_1", 384, 448, 3),
                        conv1xk(p + ".branch2_2", 448, 512, 3),
                        cat(conv1xk(p + ".branch2_3a", 512, 256, 3), convkx1(p + ".branch2_3b", 512, 256, 3))),
                seq(avgPool3ExcludingPad(), conv1(p + ".branch3.1", 1536, 256)));
    }
}
