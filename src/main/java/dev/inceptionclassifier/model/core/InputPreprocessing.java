package dev.inceptionclassifier.model.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a model's weights say about the preprocessing they expect, as plain data: the name of a published preset and
 * the network's input size, plus, for a timm checkpoint, the values its {@code config.json} states. The API turns it
 * into the image pipeline's transform (and applies the user's overrides); the model package knows no image type.
 *
 * @param preset {@code timm}, {@code torchvision}, {@code cadene} or {@code facenet}: the published eval transform
 *     the values below refine
 * @param inputSize square side of the network input, in pixels (after the user's {@code input-size} override: the
 *     network is fed this size)
 * @param cropPct timm's {@code crop_pct}, or null for the preset's
 * @param squash true for timm's {@code crop_mode: squash} (with crop_pct 1), or null for the preset's
 * @param interpolation {@code bicubic} or {@code bilinear}, or null for the preset's
 * @param mean per-channel mean (RGB, in [0, 1] units), or null for the preset's
 * @param std per-channel standard deviation, or null for the preset's
 * @param source where these values come from, e.g. {@code config.json}, {@code architecture default}, for
 *     {@code GET /models}
 */
public record InputPreprocessing(
        String preset,
        int inputSize,
        Double cropPct,
        Boolean squash,
        String interpolation,
        float[] mean,
        float[] std,
        String source) {

    /** The presets' names, as {@code image.PreprocessPreset} has them. */
    public static final Set<String> PRESETS = Set.of("timm", "torchvision", "cadene", "facenet");

    private static final Set<String> INTERPOLATIONS = Set.of("bicubic", "bilinear");

    public InputPreprocessing {
        preset = Objects.requireNonNull(preset, "preset").toLowerCase(Locale.ROOT);
        if (!PRESETS.contains(preset)) {
            throw new IllegalArgumentException("unknown preprocessing preset '" + preset + "'; known: "
                    + PRESETS.stream().sorted().toList());
        }
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize must be positive");
        }
        if (cropPct != null && !(cropPct > 0 && cropPct <= 1)) {
            throw new IllegalArgumentException("cropPct must be in (0, 1], got " + cropPct);
        }
        if (interpolation != null) {
            interpolation = interpolation.toLowerCase(Locale.ROOT);
            if (!INTERPOLATIONS.contains(interpolation)) {
                throw new IllegalArgumentException("interpolation must be bicubic or bilinear, got " + interpolation);
            }
        }
        if ((mean != null && mean.length != 3) || (std != null && std.length != 3)) {
            throw new IllegalArgumentException("mean and std need three values");
        }
        mean = mean == null ? null : mean.clone();
        std = std == null ? null : std.clone();
    }

    /** A published preset as it stands, at {@code inputSize}. */
    public static InputPreprocessing preset(String preset, int inputSize, String source) {
        return new InputPreprocessing(preset, inputSize, null, null, null, null, null, source);
    }

    /** The same with the network fed {@code size} x {@code size} instead. */
    public InputPreprocessing withInputSize(int size) {
        return new InputPreprocessing(preset, size, cropPct, squash, interpolation, mean, std, source);
    }

    @Override
    public float[] mean() {
        return mean == null ? null : mean.clone();
    }

    @Override
    public float[] std() {
        return std == null ? null : std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputPreprocessing p
                && p.preset.equals(preset)
                && p.inputSize == inputSize
                && Objects.equals(p.cropPct, cropPct)
                && Objects.equals(p.squash, squash)
                && Objects.equals(p.interpolation, interpolation)
                && Arrays.equals(p.mean, mean)
                && Arrays.equals(p.std, std)
                && Objects.equals(p.source, source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                preset, inputSize, cropPct, squash, interpolation, Arrays.hashCode(mean), Arrays.hashCode(std), source);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(preset)
                .append(' ')
                .append(inputSize)
                .append('x')
                .append(inputSize);
        if (cropPct != null) {
            sb.append(", crop_pct ").append(cropPct);
        }
        if (Boolean.TRUE.equals(squash)) {
            sb.append(", squash");
        }
        if (interpolation != null) {
            sb.append(", ").append(interpolation);
        }
        if (mean != null) {
            sb.append(", mean ").append(Arrays.toString(mean));
        }
        if (std != null) {
            sb.append(", std ").append(Arrays.toString(std));
        }
        return sb.append(" (").append(source).append(')').toString();
    }
}
