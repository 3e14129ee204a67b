package dev.inceptionclassifier.model.graph;

import static dev.inceptionclassifier.model.graph.Layers.cat;
import static dev.inceptionclassifier.model.graph.Layers.conv1;
import static dev.inceptionclassifier.model.graph.Layers.conv1xk;
import static dev.inceptionclassifier.model.graph.Layers.conv3;
import static dev.inceptionclassifier.model.graph.Layers.conv3s2;
import static dev.inceptionclassifier.model.graph.Layers.conv3valid;
import static dev.inceptionclassifier.model.graph.Layers.convkx1;
import static dev.inceptionclassifier.model.graph.Layers.maxPool3s2;
import static dev.inceptionclassifier.model.graph.Layers.projection;
import static dev.inceptionclassifier.model.graph.Layers.seq;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * facenet-pytorch's {@code InceptionResnetV1}: stem (with {@code conv2d_4b}, unlike IRv2), 5 x Block35 (scale
 * 0.17), {@code mixed_6a}, 10 x Block17 (0.10), {@code mixed_7a}, 5 x Block8 (0.20), a last Block8 (1.0, no ReLU),
 * global average pool, {@code last_linear} 1792 -> 512 without bias, {@code last_bn} (BatchNorm1d, eps 1e-3). Then
 * either the L2-normalised 512-d embedding (the default, {@code classify=False}) or the {@code logits} classifier
 * over the training identities ({@code classify=True}; 8631 for the vggface2 weights, 10575 for casia-webface).
 */
public final class InceptionResNetV1Graph {

    public static final int NUM_FEATURES = 1792;
    public static final int EMBEDDING_SIZE = 512;

    private InceptionResNetV1Graph() {}

    /** The network whose output is the L2-normalised 512-d embedding (a checkpoint without {@code logits}). */
    public static NetworkGraph embedding() {
        return graph(new Node.L2Normalize(1e-12));
    }

    /** The network with its {@code logits} classifier over {@code numClasses} identities: the logits are its output. */
    public static NetworkGraph classifier(int numClasses) {
        return graph(new Node.Linear("logits", EMBEDDING_SIZE, numClasses, true, null));
    }

    /**
     * The network with its {@code logits} classifier whose output is the logits followed by the L2-normalised
     * embedding ({@code numClasses + 512} values): facenet-pytorch's {@code classify=True} and {@code False} outputs
     * from one forward pass.
     */
    public static NetworkGraph classifierAndEmbedding(int numClasses) {
        return graph(new Node.Concat(List.of(
                new Node.Linear("logits", EMBEDDING_SIZE, numClasses, true, null), new Node.L2Normalize(1e-12))));
    }

    private static NetworkGraph graph(Node output) {
        List<NetworkGraph.Stage> s = new ArrayList<>();
        s.add(stage("conv2d_1a", conv3s2("conv2d_1a", 3, 32)));
        s.add(stage("conv2d_2a", conv3valid("conv2d_2a", 32, 32)));
        s.add(stage("conv2d_2b", conv3("conv2d_2b", 32, 64)));
        s.add(stage("maxpool_3a", maxPool3s2()));
        s.add(stage("conv2d_3b", conv1("conv2d_3b", 64, 80)));
        s.add(stage("conv2d_4a", conv3valid("conv2d_4a", 80, 192)));
        s.add(stage("conv2d_4b", conv3s2("conv2d_4b", 192, 256)));
        s.add(stage("repeat_1", repeat(5, i -> block35("repeat_1." + i, 0.17))));
        s.add(stage("mixed_6a", mixed6a("mixed_6a")));
        s.add(stage("repeat_2", repeat(10, i -> block17("repeat_2." + i, 0.10))));
        s.add(stage("mixed_7a", mixed7a("mixed_7a")));
        s.add(stage("repeat_3", repeat(5, i -> block8("repeat_3." + i, 0.20, true))));
        s.add(stage("block8", block8("block8", 1.0, false)));
        // Dropout(0.6) after the pool is the identity in eval
        Node head = seq(
                new Node.GlobalAvgPool(),
                new Node.Linear(
                        "last_linear",
                        NUM_FEATURES,
                        EMBEDDING_SIZE,
                        false,
                        new BatchNorm("last_bn", Layers.TIMM_BN_EPS)),
                output);
        return new NetworkGraph("InceptionResnetV1", 3, s, head);
    }

    private static NetworkGraph.Stage stage(String name, Node body) {
        return new NetworkGraph.Stage(name, body);
    }

    private static Node repeat(int n, IntFunction<Node> block) {
        List<Node> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            blocks.add(block.apply(i));
        }
        return new Node.Sequence(blocks);
    }

    /** Block35: 256 -> 256, branches 32 + 32 + 32 = 96. */
    private static Node block35(String p, double scale) {
        Node branches = cat(
                conv1(p + ".branch0", 256, 32),
                seq(conv1(p + ".branch1.0", 256, 32), conv3(p + ".branch1.1", 32, 32)),
                seq(
                        conv1(p + ".branch2.0", 256, 32),
                        conv3(p + ".branch2.1", 32, 32),
                        conv3(p + ".branch2.2", 32, 32)));
        return new Node.Residual(seq(branches, projection(p + ".conv2d", 96, 256)), scale, true);
    }

    /** 256 -> 896, 17x17 -> 8x8. */
    private static Node mixed6a(String p) {
        return cat(
                conv3s2(p + ".branch0", 256, 384),
                seq(
                        conv1(p + ".branch1.0", 256, 192),
                        conv3(p + ".branch1.1", 192, 192),
                        conv3s2(p + ".branch1.2", 192, 256)),
                maxPool3s2());
    }

    /** Block17: 896 -> 896, branches 128 + 128 = 256. */
    private static Node block17(String p, double scale) {
        Node branches = cat(
                conv1(p + ".branch0", 896, 128),
                seq(
                        conv1(p + ".branch1.0", 896, 128),
                        conv1xk(p + ".branch1.1", 128, 128, 7),
                        convkx1(p + ".branch1.2", 128, 128, 7)));
        return new Node.Residual(seq(branches, projection(p + ".conv2d", 256, 896)), scale, true);
    }

    /** 896 -> 1792, 8x8 -> 3x3. */
    private static Node mixed7a(String p) {
        return cat(
                seq(conv1(p + ".branch0.0", 896, 256), conv3s2(p + ".branch0.1", 256, 384)),
                seq(conv1(p + ".branch1.0", 896, 256), conv3s2(p + ".branch1.1", 256, 256)),
                seq(
                        conv1(p + ".branch2.0", 896, 256),
                        conv3(p + ".branch2.1", 256, 256),
                        conv3s2(p + ".branch2.2", 256, 256)),
                maxPool3s2());
    }

    /** Block8: 1792 -> 1792, branches 192 + 192 = 384. */
    private static Node block8(String p, double scale, boolean relu) {
        Node branches = cat(
                conv1(p + ".branch0", 1792, 192),
                seq(
                        conv1(p + ".branch1.0", 1792, 192),
                        conv1xk(p + ".branch1.1", 192, 192, 3),
                        convkx1(p + ".branch1.2", 192, 192, 3)));
        return new Node.Residual(seq(branches, projection(p + ".conv2d", 384, 1792)), scale, relu);
    }
}
