package dev.inceptionclassifier.model.arch;

import static dev.inceptionclassifier.model.arch.Layers.avgPool;
import static dev.inceptionclassifier.model.arch.Layers.cat;
import static dev.inceptionclassifier.model.arch.Layers.maxPool;
import static dev.inceptionclassifier.model.arch.Layers.seq;

import ai.djl.nn.Block;

/** timm's {@code inception_v4}: {@code features.0..21}, global average pool, {@code last_linear}. */
final class InceptionV4 {

    static final int NUM_FEATURES = 1536;

    private final Layers l;

    private InceptionV4(Layers layers) {
        this.l = layers;
    }

    static StagedNetwork build(KeyedParameters keys, int numClasses) {
        return new InceptionV4(new Layers(keys)).network(numClasses);
    }

    private StagedNetwork network(int numClasses) {
        StagedNetwork net = new StagedNetwork("last_linear");
        net.stage("features.0", l.conv3s2("features.0", 3, 32));
        net.stage("features.1", l.conv3valid("features.1", 32, 32));
        net.stage("features.2", l.conv3("features.2", 32, 64));
        net.stage("features.3", mixed3a("features.3"));
        net.stage("features.4", mixed4a("features.4"));
        net.stage("features.5", mixed5a("features.5"));
        int i = 6;
        for (; i <= 9; i++) {
            net.stage("features." + i, inceptionA("features." + i));
        }
        net.stage("features.10", reductionA("features.10"));
        for (i = 11; i <= 17; i++) {
            net.stage("features." + i, inceptionB("features." + i));
        }
        net.stage("features.18", reductionB("features.18"));
        for (i = 19; i <= 21; i++) {
            net.stage("features." + i, inceptionC("features." + i));
        }
        return net.classifier(l.keys(), NUM_FEATURES, numClasses);
    }

    /** 64 -> 160: [maxpool 64, conv 96] (pool first, unlike Mixed5a). */
    private Block mixed3a(String p) {
        return cat(maxPool(), l.conv3s2(p + ".conv", 64, 96));
    }

    /** 160 -> 192. */
    private Block mixed4a(String p) {
        return cat(
                seq(l.conv1(p + ".branch0.0", 160, 64), l.conv3valid(p + ".branch0.1", 64, 96)),
                seq(l.conv1(p + ".branch1.0", 160, 64),
                        l.conv1xk(p + ".branch1.1", 64, 64, 7),
                        l.convkx1(p + ".branch1.2", 64, 64, 7),
                        l.conv3valid(p + ".branch1.3", 64, 96)));
    }

    /** 192 -> 384: [conv 192, maxpool 192] (conv first, unlike Mixed3a). */
    private Block mixed5a(String p) {
        return cat(l.conv3s2(p + ".conv", 192, 192), maxPool());
    }

    /** 384 -> 384 at 35x35. */
    private Block inceptionA(String p) {
        return cat(
                l.conv1(p + ".branch0", 384, 96),
                seq(l.conv1(p + ".branch1.0", 384, 64), l.conv3(p + ".branch1.1", 64, 96)),
                seq(l.conv1(p + ".branch2.0", 384, 64), l.conv3(p + ".branch2.1", 64, 96),
                        l.conv3(p + ".branch2.2", 96, 96)),
                seq(avgPool(), l.conv1(p + ".branch3.1", 384, 96)));
    }

    /** 384 -> 1024, 35x35 -> 17x17. */
    private Block reductionA(String p) {
        return cat(
                l.conv3s2(p + ".branch0", 384, 384),
                seq(l.conv1(p + ".branch1.0", 384, 192), l.conv3(p + ".branch1.1", 192, 224),
                        l.conv3s2(p + ".branch1.2", 224, 256)),
                maxPool());
    }

    /** 1024 -> 1024 at 17x17; branch1 is 1x7 then 7x1, branch2 starts with 7x1. */
    private Block inceptionB(String p) {
        return cat(
                l.conv1(p + ".branch0", 1024, 384),
                seq(l.conv1(p + ".branch1.0", 1024, 192),
                        l.conv1xk(p + ".branch1.1", 192, 224, 7),
                        l.convkx1(p + ".branch1.2", 224, 256, 7)),
                seq(l.conv1(p + ".branch2.0", 1024, 192),
                        l.convkx1(p + ".branch2.1", 192, 192, 7),
                        l.conv1xk(p + ".branch2.2", 192, 224, 7),
                        l.convkx1(p + ".branch2.3", 224, 224, 7),
                        l.conv1xk(p + ".branch2.4", 224, 256, 7)),
                seq(avgPool(), l.conv1(p + ".branch3.1", 1024, 128)));
    }

    /** 1024 -> 1536, 17x17 -> 8x8. */
    private Block reductionB(String p) {
        return cat(
                seq(l.conv1(p + ".branch0.0", 1024, 192), l.conv3s2(p + ".branch0.1", 192, 192)),
                seq(l.conv1(p + ".branch1.0", 1024, 256),
                        l.conv1xk(p + ".branch1.1", 256, 256, 7),
                        l.convkx1(p + ".branch1.2", 256, 320, 7),
                        l.conv3s2(p + ".branch1.3", 320, 320)),
                maxPool());
    }

    /** 1536 -> 1536 at 8x8: [256, cat(1x3, 3x1) 512, cat(1x3, 3x1) 512, 256]. */
    private Block inceptionC(String p) {
        return cat(
                l.conv1(p + ".branch0", 1536, 256),
                seq(l.conv1(p + ".branch1_0", 1536, 384),
                        cat(l.conv1xk(p + ".branch1_1a", 384, 256, 3), l.convkx1(p + ".branch1_1b", 384, 256, 3))),
                seq(l.conv1(p + ".branch2_0", 1536, 384),
                        l.convkx1(p + ".branch2_1", 384, 448, 3),
                        l.conv1xk(p + ".branch2_2", 448, 512, 3),
                        cat(l.conv1xk(p + ".branch2_3a", 512, 256, 3), l.convkx1(p + ".branch2_3b", 512, 256, 3))),
                seq(avgPool(), l.conv1(p + ".branch3.1", 1536, 256)));
    }
}
