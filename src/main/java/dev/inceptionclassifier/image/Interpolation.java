package dev.inceptionclassifier.image;

import java.util.Locale;

/**
 * The resize filter, as Pillow 9.4 applies it to 8-bit images ({@code Image.resize(size, filter)}, which is what
 * torchvision's {@code Resize} calls on a PIL image). Both filters widen their support by the shrink factor, so a
 * downscale is antialiased; {@link PillowResampler} reproduces them integer for integer.
 */
enum Interpolation {

    /** Pillow's {@code BICUBIC}: Keys kernel with a = -0.5, support 2. timm's Inception configs use it. */
    BICUBIC,

    /**
     * Pillow's {@code BILINEAR}: triangle kernel, support 1. torchvision's and Cadene's {@code Resize} default and
     * facenet-pytorch's crop resize.
     */
    BILINEAR;

    /** The name timm configs and torchvision use: {@code bicubic}, {@code bilinear}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
