package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;

/** Shorthand for the layers both architectures are made of, registering keys under timm's names. */
final class Layers {

    private final KeyedParameters keys;

    Layers(KeyedParameters keys) {
        this.keys = keys;
    }

    KeyedParameters keys() {
        return keys;
    }

    /** 1x1 ConvNormAct. */
    ConvNormAct conv1(String prefix, int in, int out) {
        return ConvNormAct.square(keys, prefix, in, out, 1, 1, 0);
    }

    /** 3x3 ConvNormAct, stride 1, padding 1 ("same" size). */
    ConvNormAct conv3(String prefix, int in, int out) {
        return ConvNormAct.square(keys, prefix, in, out, 3, 1, 1);
    }

    /** 3x3 ConvNormAct, stride 1, no padding. */
    ConvNormAct conv3valid(String prefix, int in, int out) {
        return ConvNormAct.square(keys, prefix, in, out, 3, 1, 0);
    }

    /** 3x3 ConvNormAct, stride 2, no padding (every stride-2 conv of both nets is VALID). */
    ConvNormAct conv3s2(String prefix, int in, int out) {
        return ConvNormAct.square(keys, prefix, in, out, 3, 2, 0);
    }

    /** 1xk ConvNormAct (kh=1, kw=k), padding (0, k/2). */
    ConvNormAct conv1xk(String prefix, int in, int out, int k) {
        return new ConvNormAct(keys, prefix, in, out, 1, k, 1, 0, k / 2);
    }

    /** kx1 ConvNormAct (kh=k, kw=1), padding (k/2, 0). */
    ConvNormAct convkx1(String prefix, int in, int out, int k) {
        return new ConvNormAct(keys, prefix, in, out, k, 1, 1, k / 2, 0);
    }

    /** kxk ConvNormAct, stride 1, padding k/2. */
    ConvNormAct convSame(String prefix, int in, int out, int k) {
        return ConvNormAct.square(keys, prefix, in, out, k, 1, k / 2);
    }

    /** MaxPool2d(3, stride 2), no padding, floor mode. */
    static Block maxPool() {
        return Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
    }

    /** AvgPool2d(3, stride 1, padding 1, count_include_pad=False): border averages count real pixels only. */
    static Block avgPool() {
        return new AvgPoolExcludingPadding();
    }

    static Chain seq(Block... blocks) {
        return new Chain(blocks);
    }

    static ChannelConcat cat(Block... branches) {
        return new ChannelConcat(branches);
    }
}
