package dev.inceptionclassifier.model.graph;

import java.util.List;

/** Shorthand for the layers the Inception descriptions are written with, named as their reference code names them. */
public final class Layers {

    /** timm's BatchNormAct2d eps in every Inception net it ports from TF-slim (not PyTorch's 1e-5). */
    public static final double TIMM_BN_EPS = 1e-3;

    private Layers() {}

    /**
     * timm's {@code ConvNormAct} (also torchvision's and facenet's {@code BasicConv2d}): a convolution without bias
     * named {@code <prefix>.conv}, BatchNorm {@code <prefix>.bn} with eps 1e-3, ReLU.
     */
    public static Node.Conv convBnRelu(String prefix, int in, int out, int kh, int kw, int stride, int padH, int padW) {
        return new Node.Conv(
                prefix + ".conv",
                in,
                out,
                kh,
                kw,
                stride,
                stride,
                padH,
                padW,
                false,
                new BatchNorm(prefix + ".bn", TIMM_BN_EPS),
                true);
    }

    /** 1x1 ConvNormAct. */
    public static Node.Conv conv1(String prefix, int in, int out) {
        return convBnRelu(prefix, in, out, 1, 1, 1, 0, 0);
    }

    /** 3x3 ConvNormAct, stride 1, padding 1 ("same" size). */
    public static Node.Conv conv3(String prefix, int in, int out) {
        return convBnRelu(prefix, in, out, 3, 3, 1, 1, 1);
    }

    /** 3x3 ConvNormAct, stride 1, no padding. */
    public static Node.Conv conv3valid(String prefix, int in, int out) {
        return convBnRelu(prefix, in, out, 3, 3, 1, 0, 0);
    }

    /** 3x3 ConvNormAct, stride 2, no padding (every stride-2 conv of v4 and IRv2 is VALID). */
    public static Node.Conv conv3s2(String prefix, int in, int out) {
        return convBnRelu(prefix, in, out, 3, 3, 2, 0, 0);
    }

    /** 1xk ConvNormAct (kh=1, kw=k), padding (0, k/2). */
    public static Node.Conv conv1xk(String prefix, int in, int out, int k) {
        return convBnRelu(prefix, in, out, 1, k, 1, 0, k / 2);
    }

    /** kx1 ConvNormAct (kh=k, kw=1), padding (k/2, 0). */
    public static Node.Conv convkx1(String prefix, int in, int out, int k) {
        return convBnRelu(prefix, in, out, k, 1, 1, k / 2, 0);
    }

    /** kxk ConvNormAct, stride 1, padding k/2. */
    public static Node.Conv convSame(String prefix, int in, int out, int k) {
        return convBnRelu(prefix, in, out, k, k, 1, k / 2, k / 2);
    }

    /** A plain convolution with bias, no BatchNorm, no activation: the 1x1 projection of a residual block. */
    public static Node.Conv projection(String name, int in, int out) {
        return new Node.Conv(name, in, out, 1, 1, 1, 1, 0, 0, true, null, false);
    }

    /** MaxPool2d(3, stride 2), no padding, floor mode. */
    public static Node.MaxPool maxPool3s2() {
        return new Node.MaxPool(3, 3, 2, 2, 0, 0, false);
    }

    /** AvgPool2d(3, stride 1, padding 1, count_include_pad=False): border averages count real pixels only. */
    public static Node.AvgPool avgPool3ExcludingPad() {
        return new Node.AvgPool(3, 3, 1, 1, 1, 1, false, false);
    }

    /** MaxPool2d(k, stride s, padding p, ceil_mode=True): torchvision's GoogLeNet and Cadene's BN-Inception. */
    public static Node.MaxPool maxPoolCeil(int k, int stride, int pad) {
        return new Node.MaxPool(k, k, stride, stride, pad, pad, true);
    }

    /**
     * {@code avg_pool2d(x, 3, stride=1, padding=1)} with PyTorch's default {@code count_include_pad=True}: border
     * averages divide by 9, the zero padding included (torchvision/timm Inception-v3, and with {@code ceil} Cadene's
     * BN-Inception); not Inception-v4's pool.
     */
    public static Node.AvgPool avgPool3IncludingPad(boolean ceil) {
        return new Node.AvgPool(3, 3, 1, 1, 1, 1, ceil, true);
    }

    /**
     * torchvision's {@code transform_input} (GoogLeNet, Inception3): {@code x_c * (std_c / 0.5) + (mean_c - 0.5) / 0.5}
     * with ImageNet's mean and std, computed in double as Python does, so an ImageNet-normalised input becomes the
     * {@code (p - 0.5) / 0.5} scaling of the TF-ported weights.
     */
    public static Node.ChannelAffine transformInput() {
        double[] mean = {0.485, 0.456, 0.406};
        double[] std = {0.229, 0.224, 0.225};
        double[] scale = new double[3];
        double[] shift = new double[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = std[c] / 0.5;
            shift[c] = (mean[c] - 0.5) / 0.5;
        }
        return new Node.ChannelAffine(scale, shift);
    }

    public static Node.Sequence seq(Node... nodes) {
        return new Node.Sequence(List.of(nodes));
    }

    public static Node.Concat cat(Node... branches) {
        return new Node.Concat(List.of(branches));
    }

    /** Global average pool, then a linear classifier with bias named {@code name}: timm's default head. */
    public static Node classifier(String name, int features, int numClasses) {
        return seq(new Node.GlobalAvgPool(), new Node.Linear(name, features, numClasses, true, null));
    }
}
