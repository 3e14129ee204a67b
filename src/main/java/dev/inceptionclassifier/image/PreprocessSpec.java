package dev.inceptionclassifier.image;

import java.util.Arrays;

/**
 * How one model wants its input: timm's eval transform parameters.
 *
 * @param inputSize square side of the network input (299 for the Inception family)
 * @param cropPct crop fraction: the shorter side is resized to floor(inputSize / cropPct), then center-cropped
 * @param squash resize straight to inputSize x inputSize, ignoring the aspect ratio and cropPct
 * @param mean per-channel (RGB) mean subtracted after scaling pixels to [0, 1]
 * @param std per-channel (RGB) standard deviation divided by after subtracting the mean
 */
public record PreprocessSpec(int inputSize, double cropPct, boolean squash, float[] mean, float[] std) {

    /** Inception mean and std: x / 127.5 - 1. */
    public static final float[] INCEPTION_MEAN_STD = {0.5f, 0.5f, 0.5f};

    public PreprocessSpec {
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize must be positive");
        }
        if (!(cropPct > 0 && cropPct <= 1)) {
            throw new IllegalArgumentException("cropPct must be in (0, 1]");
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need three values");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Inception preprocessing with the given crop fraction (center crop mode). */
    public static PreprocessSpec inception(double cropPct) {
        return new PreprocessSpec(299, cropPct, false, INCEPTION_MEAN_STD, INCEPTION_MEAN_STD);
    }

    /** The side the shorter image side is resized to before cropping: floor(inputSize / cropPct). */
    public int scaleSize() {
        return (int) Math.floor(inputSize / cropPct);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessSpec p && p.inputSize == inputSize && p.cropPct == cropPct && p.squash == squash
                && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Integer.hashCode(inputSize) + Double.hashCode(cropPct)) + Arrays.hashCode(mean);
    }

    @Override
    public String toString() {
        return (squash ? "squash " : "resize " + scaleSize() + " center-crop ") + inputSize + "x" + inputSize
                + ", bicubic (antialiased), mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }
}
