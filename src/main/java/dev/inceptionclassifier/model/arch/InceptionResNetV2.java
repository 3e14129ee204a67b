package dev.inceptionclassifier.model.arch;

import static dev.inceptionclassifier.model.arch.Layers.avgPool;
import static dev.inceptionclassifier.model.arch.Layers.cat;
import static dev.inceptionclassifier.model.arch.Layers.maxPool;
import static dev.inceptionclassifier.model.arch.Layers.seq;

import ai.djl.nn.Block;

/**
 * timm's {@code inception_resnet_v2}: stem, {@code mixed_5b}, 10 x Block35 (scale 0.17), {@code mixed_6a},
 * 20 x Block17 (0.10), {@code mixed_7a}, 9 x Block8 (0.20), a last Block8 (scale 1.0, no ReLU), {@code conv2d_7b},
 * global average pool, {@code classif}.
 */
final class InceptionResNetV2 {

    static final int NUM_FEATURES = 1536;

    private final Layers l;

    private InceptionResNetV2(Layers layers) {
        this.l = layers;
    }

    static StagedNetwork build(KeyedParameters keys, int numClasses) {
        return new InceptionResNetV2(new Layers(keys)).network(numClasses);
    }

    private StagedNetwork network(int numClasses) {
        StagedNetwork net = new StagedNetwork("classif");
        net.stage("conv2d_1a", l.conv3s2("conv2d_1a", 3, 32));
        net.stage("conv2d_2a", l.conv3valid("conv2d_2a", 32, 32));
        net.stage("conv2d_2b", l.conv3("conv2d_2b", 32, 64));
        net.stage("maxpool_3a", maxPool());
        net.stage("conv2d_3b", l.conv1("conv2d_3b", 64, 80));
        net.stage("conv2d_4a", l.conv3valid("conv2d_4a", 80, 192));
        net.stage("maxpool_5a", maxPool());
        net.stage("mixed_5b", mixed5b("mixed_5b"));
        Chain repeat = new Chain();
        for (int i = 0; i < 10; i++) {
            repeat.add(block35("repeat." + i, 0.17));
        }
        net.stage("repeat", repeat);
        net.stage("mixed_6a", mixed6a("mixed_6a"));
        Chain repeat1 = new Chain();
        for (int i = 0; i < 20; i++) {
            repeat1.add(block17("repeat_1." + i, 0.10));
        }
        net.stage("repeat_1", repeat1);
        net.stage("mixed_7a", mixed7a("mixed_7a"));
        Chain repeat2 = new Chain();
        for (int i = 0; i < 9; i++) {
            repeat2.add(block8("repeat_2." + i, 0.20, true));
        }
        net.stage("repeat_2", repeat2);
        net.stage("block8", block8("block8", 1.0, false));
        net.stage("conv2d_7b", l.conv1("conv2d_7b", 2080, NUM_FEATURES));
        return net.classifier(l.keys(), NUM_FEATURES, numClasses);
    }

    /** 192 -> 320 at 35x35. */
    private Block mixed5b(String p) {
        return cat(
                l.conv1(p + ".branch0", 192, 96),
                seq(l.conv1(p + ".branch1.0", 192, 48), l.convSame(p + ".branch1.1", 48, 64, 5)),
                seq(l.conv1(p + ".branch2.0", 192, 64), l.conv3(p + ".branch2.1", 64, 96),
                        l.conv3(p + ".branch2.2", 96, 96)),
                seq(avgPool(), l.conv1(p + ".branch3.1", 192, 64)));
    }

    /** Block35: 320 -> 320, branches 32 + 32 + 64 = 128. */
    private Block block35(String p, double scale) {
        Block branches = cat(
                l.conv1(p + ".branch0", 320, 32),
                seq(l.conv1(p + ".branch1.0", 320, 32), l.conv3(p + ".branch1.1", 32, 32)),
                seq(l.conv1(p + ".branch2.0", 320, 32), l.conv3(p + ".branch2.1", 32, 48),
                        l.conv3(p + ".branch2.2", 48, 64)));
        return new ScaledResidual(l.keys(), p, branches, 128, 320, scale, true);
    }

    /** 320 -> 1088, 35x35 -> 17x17. */
    private Block mixed6a(String p) {
        return cat(
                l.conv3s2(p + ".branch0", 320, 384),
                seq(l.conv1(p + ".branch1.0", 320, 256), l.conv3(p + ".branch1.1", 256, 256),
                        l.conv3s2(p + ".branch1.2", 256, 384)),
                maxPool());
    }

    /** Block17: 1088 -> 1088, branches 192 + 192 = 384. */
    private Block block17(String p, double scale) {
        Block branches = cat(
                l.conv1(p + ".branch0", 1088, 192),
                seq(l.conv1(p + ".branch1.0", 1088, 128), l.conv1xk(p + ".branch1.1", 128, 160, 7),
                        l.convkx1(p + ".branch1.2", 160, 192, 7)));
        return new ScaledResidual(l.keys(), p, branches, 384, 1088, scale, true);
    }

    /** 1088 -> 2080, 17x17 -> 8x8. */
    private Block mixed7a(String p) {
        return cat(
                seq(l.conv1(p + ".branch0.0", 1088, 256), l.conv3s2(p + ".branch0.1", 256, 384)),
                seq(l.conv1(p + ".branch1.0", 1088, 256), l.conv3s2(p + ".branch1.1", 256, 288)),
                seq(l.conv1(p + ".branch2.0", 1088, 256), l.conv3(p + ".branch2.1", 256, 288),
                        l.conv3s2(p + ".branch2.2", 288, 320)),
                maxPool());
    }

    /** Block8: 2080 -> 2080, branches 192 + 256 = 448. */
    private Block block8(String p, double scale, boolean relu) {
        Block branches = cat(
                l.conv1(p + ".branch0", 2080, 192),
                seq(l.conv1(p + ".branch1.0", 2080, 192), l.conv1xk(p + ".branch1.1", 192, 224, 3),
                        l.convkx1(p + ".branch1.2", 224, 256, 3)));
        return new ScaledResidual(l.keys(), p, branches, 448, 2080, scale, relu);
    }
}
