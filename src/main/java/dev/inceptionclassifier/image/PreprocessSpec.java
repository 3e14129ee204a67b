package dev.inceptionclassifier.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * How one model wants its input: the eval transform of the code its weights were published with. Pixels go through
 * resize (with {@code interpolation}) and crop as {@link ResizePlan} describes, then per output channel
 * {@code ((v / 255) * valueRange - mean[c]) / std[c]} in float32, with the planes in {@code channelOrder}.
 * {@link PreprocessPreset} names the published combinations.
 *
 * @param inputSize square side of the network input (299 for Inception-v3/v4/IRv2, 224 for GoogLeNet and
 *     BN-Inception, 160 for Inception-ResNet-v1)
 * @param cropPct the model's crop fraction as timm states it ({@code crop_pct}); presets that state the resize size
 *     instead (torchvision) carry {@code inputSize / scaleSize}. Only {@code scaleSize} drives the resize.
 * @param scaleSize the side the shorter image side is resized to before the center crop: timm's
 *     {@code floor(inputSize / crop_pct)}, torchvision's {@code resize_size}; at least {@code inputSize}. Unused
 *     when {@code squash}
 * @param squash resize straight to inputSize x inputSize, ignoring the aspect ratio (and {@code scaleSize})
 * @param interpolation the resize filter
 * @param channelOrder order of the colour planes in the output
 * @param valueRange 1 when pixels are scaled to [0, 1] ({@code ToTensor}), 255 when they stay in [0, 255] (Cadene's
 *     {@code ToRange255}, facenet's float32 pixels); {@code mean} and {@code std} are in the same units
 * @param mean per output channel (in {@code channelOrder}), subtracted after scaling
 * @param std per output channel, divided by after subtracting the mean
 */
public record PreprocessSpec(
        int inputSize,
        double cropPct,
        int scaleSize,
        boolean squash,
        Interpolation interpolation,
        ChannelOrder channelOrder,
        int valueRange,
        float[] mean,
        float[] std) {

    /** Inception mean and std: x / 127.5 - 1. */
    public static final float[] INCEPTION_MEAN_STD = {0.5f, 0.5f, 0.5f};

    public PreprocessSpec {
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize must be positive");
        }
        if (!(cropPct > 0 && cropPct <= 1)) {
            throw new IllegalArgumentException("cropPct must be in (0, 1]");
        }
        if (scaleSize < inputSize) {
            throw new IllegalArgumentException(
                    "scaleSize " + scaleSize + " is smaller than the input size " + inputSize);
        }
        Objects.requireNonNull(interpolation, "interpolation");
        Objects.requireNonNull(channelOrder, "channelOrder");
        if (valueRange != 1 && valueRange != 255) {
            throw new IllegalArgumentException("valueRange must be 1 or 255, got " + valueRange);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need three values");
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("std values must be positive and finite");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * timm's eval transform: resize the shorter side to {@code floor(inputSize / cropPct)} (or squash) with Pillow's
     * bicubic filter, center crop, RGB in [0, 1], then {@code mean}/{@code std}.
     */
    public PreprocessSpec(int inputSize, double cropPct, boolean squash, float[] mean, float[] std) {
        this(
                inputSize,
                cropPct,
                timmScaleSize(inputSize, cropPct),
                squash,
                Interpolation.BICUBIC,
                ChannelOrder.RGB,
                1,
                mean,
                std);
    }

    /** Inception preprocessing with the given crop fraction (timm, center crop mode). */
    public static PreprocessSpec inception(double cropPct) {
        return new PreprocessSpec(299, cropPct, false, INCEPTION_MEAN_STD, INCEPTION_MEAN_STD);
    }

    private static int timmScaleSize(int inputSize, double cropPct) {
        if (!(cropPct > 0 && cropPct <= 1)) {
            throw new IllegalArgumentException("cropPct must be in (0, 1]");
        }
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
        return o instanceof PreprocessSpec p
                && p.inputSize == inputSize
                && p.cropPct == cropPct
                && p.scaleSize == scaleSize
                && p.squash == squash
                && p.interpolation == interpolation
                && p.channelOrder == channelOrder
                && p.valueRange == valueRange
                && Arrays.equals(p.mean, mean)
                && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                inputSize,
                cropPct,
                scaleSize,
                squash,
                interpolation,
                channelOrder,
                valueRange,
                Arrays.hashCode(mean),
                Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return (squash ? "squash " : "resize " + scaleSize + " center-crop ") + inputSize + "x" + inputSize + ", "
                + interpolation.configName() + " (antialiased), " + channelOrder + " in [0, " + valueRange + "], mean "
                + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }
}
