package dev.inceptionclassifier.model.graph;

import static dev.inceptionclassifier.model.graph.Layers.avgPool3ExcludingPad;
import static dev.inceptionclassifier.model.graph.Layers.cat;
import static dev.inceptionclassifier.model.graph.Layers.conv1;
import static dev.inceptionclassifier.model.graph.Layers.conv1xk;
import static dev.inceptionclassifier.model.graph.Layers.conv3;
import static dev.inceptionclassifier.model.graph.Layers.conv3s2;
import static dev.inceptionclassifier.model.graph.Layers.conv3valid;
import static dev.inceptionclassifier.model.graph.Layers.convSame;
import static dev.inceptionclassifier.model.graph.Layers.convkx1;
import static dev.inceptionclassifier.model.graph.Layers.maxPool3s2;
import static dev.inceptionclassifier.model.graph.Layers.projection;
import static dev.inceptionclassifier.model.graph.Layers.seq;

import java.util.ArrayList;
import java.util.List;

/**
 * timm's {@code inception_resnet_v2}: stem, {@code mixed_5b}, 10 x Block35 (scale 0.17), {@code mixed_6a},
 * 20 x Block17 (0.10), {@code mixed_7a}, 9 x Block8 (0.20), a last Block8 (scale 1.0, no ReLU), {@code conv2d_7b},
 * global average pool, {@code classif}.
 */
public final class InceptionResNetV2Graph {

    public static final int NUM_FEATURES = 1536;

    private InceptionResNetV2Graph() {}

    public static NetworkGraph build(int numClasses) {
        List<NetworkGraph.Stage> s = new ArrayList<>();
        s.add(stage("conv2d_1a", conv3s2("conv2d_1a", 3, 32)));
        s.add(stage("conv2d_2a", conv3valid("conv2d_2a", 32, 32)));
        s.add(stage("conv2d_2b", conv3("conv2d_2b", 32, 64)));
        s.add(stage("maxpool_3a", maxPool3s2()));
        s.add(stage("conv2d_3b", conv1("conv2d_3b", 64, 80)));
        s.add(stage("conv2d_4a", conv3valid("conv2d_4a", 80, 192)));
        s.add(stage("maxpool_5a", maxPool3s2()));
        s.add(stage("mixed_5b", mixed5b("mixed_5b")));
        s.add(stage("repeat", repeat(10, i -> block35("repeat." + i, 0.17))));
        s.add(stage("mixed_6a", mixed6a("mixed_6a")));
        s.add(stage("repeat_1", repeat(20, i -> block17("repeat_1." + i, 0.10))));
        s.add(stage("mixed_7a", mixed7a("mixed_7a")));
        s.add(stage("repeat_2", repeat(9, i -> block8("repeat_2." + i, 0.20, true))));
        s.add(stage("block8", block8("block8", 1.0, false)));
        s.add(stage("conv2d_7b", conv1("conv2d_7b", 2080, NUM_FEATURES)));
        return new NetworkGraph("InceptionResNetV2", 3, s, Layers.classifier("classif", NUM_FEATURES, numClasses));
    }

    private static NetworkGraph.Stage stage(String name, Node body) {
        return new NetworkGraph.Stage(name, body);
    }

    private static Node repeat(int n, java.util.function.IntFunction<Node> block) {
        List<Node> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            blocks.add(block.apply(i));
        }
        return new Node.Sequence(blocks);
    }

    /** 192 -> 320 at 35x35. */
    private static Node mixed5b(String p) {
        return cat(
                conv1(p + ".branch0", 192, 96),
                seq(conv1(p + ".branch1.0", 192, 48), convSame(p + ".branch1.1", 48, 64, 5)),
                seq(conv1(p + ".branch2.0", 192, 64), conv3(p + ".branch2.1", 64, 96), conv3(p + ".branch2.2", 96, 96)),
                seq(avgPool3ExcludingPad(), conv1(p + ".branch3.1", 192, 64)));
    }

    /** Block35: 320 -> 320, branches 32 + 32 + 64 = 128. */
    private static Node block35(String p, double scale) {
        Node branches = cat(
                conv1(p + ".branch0", 320, 32),
                seq(conv1(p + ".branch1.0", 320, 32), conv3(p + ".branch1.1", 32, 32)),
                seq(
                        conv1(p + ".branch2.0", 320, 32),
                        conv3(p + ".branch2.1", 32, 48),
                        conv3(p + ".branch2.2", 48, 64)));
        return new Node.Residual(seq(branches, projection(p + ".conv2d", 128, 320)), scale, true);
    }

    /** 320 -> 1088, 35x35 -> 17x17. */
    private static Node mixed6a(String p) {
        return cat(
                conv3s2(p + ".branch0", 320, 384),
                seq(
                        conv1(p + ".branch1.0", 320, 256),
                        conv3(p + ".branch1.1", 256, 256),
                        conv3s2(p + ".branch1.2", 256, 384)),
                maxPool3s2());
    }

    /** Block17: 1088 -> 1088, branches 192 + 192 = 384. */
    private static Node block17(String p, double scale) {
        Node branches = cat(
                conv1(p + ".branch0", 1088, 192),
                seq(
                        conv1(p + ".branch1.0", 1088, 128),
                        conv1xk(p + ".branch1.1", 128, 160, 7),
                        convkx1(p + ".branch1.2", 160, 192, 7)));
        return new Node.Residual(seq(branches, projection(p + ".conv2d", 384, 1088)), scale, true);
    }

    /** 1088 -> 2080, 17x17 -> 8x8. */
    private static Node mixed7a(String p) {
        return cat(
                seq(conv1(p + ".branch0.0", 1088, 256), conv3s2(p + ".branch0.1", 256, 384)),
                seq(conv1(p + ".branch1.0", 1088, 256), conv3s2(p + ".branch1.1", 256, 288)),
                seq(
                        conv1(p + ".branch2.0", 1088, 256),
                        conv3(p + ".branch2.1", 256, 288),
                        conv3s2(p + ".branch2.2", 288, 320)),
                maxPool3s2());
    }

    /** Block8: 2080 -> 2080, branches 192 + 256 = 448. */
    private static Node block8(String p, double scale, boolean relu) {
        Node branches = cat(
                conv1(p + ".branch0", 2080, 192),
                seq(
                        conv1(p + ".branch1.0", 2080, 192),
                        conv1xk(p + ".branch1.1", 192, 224, 3),
                        convkx1(p + ".branch1.2", 224, 256, 3)));
        return new Node.Residual(seq(branches, projection(p + ".conv2d", 448, 2080)), scale, relu);
    }
}
