package dev.inceptionclassifier.model.graph;

import static dev.inceptionclassifier.model.graph.Layers.avgPool3IncludingPad;
import static dev.inceptionclassifier.model.graph.Layers.cat;
import static dev.inceptionclassifier.model.graph.Layers.conv1;
import static dev.inceptionclassifier.model.graph.Layers.conv1xk;
import static dev.inceptionclassifier.model.graph.Layers.conv3;
import static dev.inceptionclassifier.model.graph.Layers.conv3s2;
import static dev.inceptionclassifier.model.graph.Layers.conv3valid;
import static dev.inceptionclassifier.model.graph.Layers.convSame;
import static dev.inceptionclassifier.model.graph.Layers.convkx1;
import static dev.inceptionclassifier.model.graph.Layers.maxPool3s2;
import static dev.inceptionclassifier.model.graph.Layers.seq;

import java.util.ArrayList;
import java.util.List;

/**
 * timm's {@code inception_v3} (torchvision's {@code Inception3} has the same keys and gives bit-identical outputs):
 * stem, {@code Mixed_5b..7c}, global average pool, {@code fc}. Its 3x3 average pools count the zero padding
 * ({@code count_include_pad=True}, PyTorch's default), unlike Inception-v4's. {@code AuxLogits} is only listed, so
 * that torchvision's checkpoints (which carry it) load.
 */
public final class InceptionV3Graph {

    public static final int NUM_FEATURES = 2048;

    private InceptionV3Graph() {}

    /**
     * @param transformInput torchvision's {@code transform_input} in front of the first convolution (set by
     *     torchvision's pretrained {@code inception_v3}; timm's model has none)
     */
    public static NetworkGraph build(int numClasses, boolean transformInput) {
        List<NetworkGraph.Stage> s = new ArrayList<>();
        Node first = conv3s2("Conv2d_1a_3x3", 3, 32);
        s.add(stage("Conv2d_1a_3x3", transformInput ? seq(Layers.transformInput(), first) : first));
        s.add(stage("Conv2d_2a_3x3", conv3valid("Conv2d_2a_3x3", 32, 32)));
        s.add(stage("Conv2d_2b_3x3", conv3("Conv2d_2b_3x3", 32, 64)));
        s.add(stage("Pool1", maxPool3s2()));
        s.add(stage("Conv2d_3b_1x1", conv1("Conv2d_3b_1x1", 64, 80)));
        s.add(stage("Conv2d_4a_3x3", conv3valid("Conv2d_4a_3x3", 80, 192)));
        s.add(stage("Pool2", maxPool3s2()));
        s.add(stage("Mixed_5b", inceptionA("Mixed_5b", 192, 32)));
        s.add(stage("Mixed_5c", inceptionA("Mixed_5c", 256, 64)));
        s.add(stage("Mixed_5d", inceptionA("Mixed_5d", 288, 64)));
        s.add(stage("Mixed_6a", inceptionB("Mixed_6a", 288)));
        s.add(stage("Mixed_6b", inceptionC("Mixed_6b", 128)));
        s.add(stage("Mixed_6c", inceptionC("Mixed_6c", 160)));
        s.add(stage("Mixed_6d", inceptionC("Mixed_6d", 160)));
        s.add(stage("Mixed_6e", inceptionC("Mixed_6e", 192)));
        s.add(stage("Mixed_7a", inceptionD("Mixed_7a")));
        s.add(stage("Mixed_7b", inceptionE("Mixed_7b", 1280)));
        s.add(stage("Mixed_7c", inceptionE("Mixed_7c", 2048)));
        // timm's head_drop (0.0) and torchvision's dropout (0.5) are identities in eval
        Node auxLogits = seq(
                conv1("AuxLogits.conv0", 768, 128),
                Layers.convBnRelu("AuxLogits.conv1", 128, 768, 5, 5, 1, 0, 0),
                new Node.Linear("AuxLogits.fc", 768, numClasses, true, null));
        return new NetworkGraph(
                "InceptionV3", 3, s, Layers.classifier("fc", NUM_FEATURES, numClasses), List.of(auxLogits));
    }

    private static NetworkGraph.Stage stage(String name, Node body) {
        return new NetworkGraph.Stage(name, body);
    }

    /** 35x35: [1x1 64, 5x5 64, double 3x3 96, avg pool -> 1x1 poolFeatures]. */
    private static Node inceptionA(String p, int in, int poolFeatures) {
        return cat(
                conv1(p + ".branch1x1", in, 64),
                seq(conv1(p + ".branch5x5_1", in, 48), convSame(p + ".branch5x5_2", 48, 64, 5)),
                seq(
                        conv1(p + ".branch3x3dbl_1", in, 64),
                        conv3(p + ".branch3x3dbl_2", 64, 96),
                        conv3(p + ".branch3x3dbl_3", 96, 96)),
                seq(avgPool3IncludingPad(false), conv1(p + ".branch_pool", in, poolFeatures)));
    }

    /** 35x35 -> 17x17, 288 -> 768: [3x3 s2 384, double 3x3 (s2) 96, max pool 288]. */
    private static Node inceptionB(String p, int in) {
        return cat(
                conv3s2(p + ".branch3x3", in, 384),
                seq(
                        conv1(p + ".branch3x3dbl_1", in, 64),
                        conv3(p + ".branch3x3dbl_2", 64, 96),
                        conv3s2(p + ".branch3x3dbl_3", 96, 96)),
                maxPool3s2());
    }

    /** 17x17, 768: [1x1 192, 1x7 -> 7x1 192, 7x1 -> 1x7 -> 7x1 -> 1x7 192, avg pool -> 1x1 192]. */
    private static Node inceptionC(String p, int c7) {
        return cat(
                conv1(p + ".branch1x1", 768, 192),
                seq(
                        conv1(p + ".branch7x7_1", 768, c7),
                        conv1xk(p + ".branch7x7_2", c7, c7, 7),
                        convkx1(p + ".branch7x7_3", c7, 192, 7)),
                seq(
                        conv1(p + ".branch7x7dbl_1", 768, c7),
                        convkx1(p + ".branch7x7dbl_2", c7, c7, 7),
                        conv1xk(p + ".branch7x7dbl_3", c7, c7, 7),
                        convkx1(p + ".branch7x7dbl_4", c7, c7, 7),
                        conv1xk(p + ".branch7x7dbl_5", c7, 192, 7)),
                seq(avgPool3IncludingPad(false), conv1(p + ".branch_pool", 768, 192)));
    }

    /** 17x17 -> 8x8, 768 -> 1280: [1x1 -> 3x3 s2 320, 1x1 -> 1x7 -> 7x1 -> 3x3 s2 192, max pool 768]. */
    private static Node inceptionD(String p) {
        return cat(
                seq(conv1(p + ".branch3x3_1", 768, 192), conv3s2(p + ".branch3x3_2", 192, 320)),
                seq(
                        conv1(p + ".branch7x7x3_1", 768, 192),
                        conv1xk(p + ".branch7x7x3_2", 192, 192, 7),
                        convkx1(p + ".branch7x7x3_3", 192, 192, 7),
                        conv3s2(p + ".branch7x7x3_4", 192, 192)),
                maxPool3s2());
    }

    /** 8x8 -> 2048: [1x1 320, 1x1 -> cat(1x3, 3x1) 768, 1x1 -> 3x3 -> cat(1x3, 3x1) 768, avg pool -> 1x1 192]. */
    private static Node inceptionE(String p, int in) {
        return cat(
                conv1(p + ".branch1x1", in, 320),
                seq(
                        conv1(p + ".branch3x3_1", in, 384),
                        cat(conv1xk(p + ".branch3x3_2a", 384, 384, 3), convkx1(p + ".branch3x3_2b", 384, 384, 3))),
                seq(
                        conv1(p + ".branch3x3dbl_1", in, 448),
                        conv3(p + ".branch3x3dbl_2", 448, 384),
                        cat(
                                conv1xk(p + ".branch3x3dbl_3a", 384, 384, 3),
                                convkx1(p + ".branch3x3dbl_3b", 384, 384, 3))),
                seq(avgPool3IncludingPad(false), conv1(p + ".branch_pool", in, 192)));
    }
}
