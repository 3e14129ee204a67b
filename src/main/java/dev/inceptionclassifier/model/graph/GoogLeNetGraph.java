package dev.inceptionclassifier.model.graph;

import static dev.inceptionclassifier.model.graph.Layers.cat;
import static dev.inceptionclassifier.model.graph.Layers.conv1;
import static dev.inceptionclassifier.model.graph.Layers.conv3;
import static dev.inceptionclassifier.model.graph.Layers.convBnRelu;
import static dev.inceptionclassifier.model.graph.Layers.maxPoolCeil;
import static dev.inceptionclassifier.model.graph.Layers.seq;

import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's {@code GoogLeNet} (Inception-v1) in eval: {@code conv1}, {@code maxpool1}, {@code conv2},
 * {@code conv3}, {@code maxpool2}, {@code inception3a..5b} with the ceil-mode max pools between them, global average
 * pool, {@code fc}. Every max pool has {@code ceil_mode=True} (112 -> 56 -> 28 -> 14 -> 7 at 224), the "5x5" branch
 * is a 3x3 as in the published weights, and there is no LRN. The auxiliary heads {@code aux1}/{@code aux2} are only
 * listed, so that torchvision's checkpoint (which carries them) loads.
 */
public final class GoogLeNetGraph {

    public static final int NUM_FEATURES = 1024;

    private GoogLeNetGraph() {}

    /**
     * @param transformInput torchvision's {@code transform_input} in front of {@code conv1} (its pretrained
     *     {@code googlenet} sets it: an ImageNet-normalised input becomes [-1, 1]); false for the module's default
     */
    public static NetworkGraph build(int numClasses, boolean transformInput) {
        List<NetworkGraph.Stage> s = new ArrayList<>();
        Node conv1 = convBnRelu("conv1", 3, 64, 7, 7, 2, 3, 3);
        s.add(stage("conv1", transformInput ? seq(Layers.transformInput(), conv1) : conv1));
        s.add(stage("maxpool1", maxPoolCeil(3, 2, 0)));
        s.add(stage("conv2", conv1("conv2", 64, 64)));
        s.add(stage("conv3", conv3("conv3", 64, 192)));
        s.add(stage("maxpool2", maxPoolCeil(3, 2, 0)));
        s.add(stage("inception3a", inception("inception3a", 192, 64, 96, 128, 16, 32, 32)));
        s.add(stage("inception3b", inception("inception3b", 256, 128, 128, 192, 32, 96, 64)));
        s.add(stage("maxpool3", maxPoolCeil(3, 2, 0)));
        s.add(stage("inception4a", inception("inception4a", 480, 192, 96, 208, 16, 48, 64)));
        s.add(stage("inception4b", inception("inception4b", 512, 160, 112, 224, 24, 64, 64)));
        s.add(stage("inception4c", inception("inception4c", 512, 128, 128, 256, 24, 64, 64)));
        s.add(stage("inception4d", inception("inception4d", 512, 112, 144, 288, 32, 64, 64)));
        s.add(stage("inception4e", inception("inception4e", 528, 256, 160, 320, 32, 128, 128)));
        s.add(stage("maxpool4", maxPoolCeil(2, 2, 0)));
        s.add(stage("inception5a", inception("inception5a", 832, 256, 160, 320, 32, 128, 128)));
        s.add(stage("inception5b", inception("inception5b", 832, 384, 192, 384, 48, 128, 128)));
        // Dropout(0.2) before fc is the identity in eval
        return new NetworkGraph(
                "GoogLeNet",
                3,
                s,
                Layers.classifier("fc", NUM_FEATURES, numClasses),
                List.of(aux("aux1", 512, numClasses), aux("aux2", 528, numClasses)));
    }

    private static NetworkGraph.Stage stage(String name, Node body) {
        return new NetworkGraph.Stage(name, body);
    }

    /** {@code cat([1x1, 1x1 -> 3x3, 1x1 -> 3x3, maxpool 3x3 s1 p1 ceil -> 1x1])}. */
    private static Node inception(
            String p, int in, int ch1x1, int ch3x3red, int ch3x3, int ch5x5red, int ch5x5, int poolProj) {
        return cat(
                conv1(p + ".branch1", in, ch1x1),
                seq(conv1(p + ".branch2.0", in, ch3x3red), conv3(p + ".branch2.1", ch3x3red, ch3x3)),
                seq(conv1(p + ".branch3.0", in, ch5x5red), conv3(p + ".branch3.1", ch5x5red, ch5x5)),
                seq(maxPoolCeil(3, 1, 1), conv1(p + ".branch4.1", in, poolProj)));
    }

    /** InceptionAux (training only): its weights' names and shapes; 4x4 adaptive pool, 1x1 conv, fc1, fc2. */
    private static Node aux(String p, int in, int numClasses) {
        return seq(
                conv1(p + ".conv", in, 128),
                new Node.Linear(p + ".fc1", 2048, 1024, true, null),
                new Node.Linear(p + ".fc2", 1024, numClasses, true, null));
    }
}
