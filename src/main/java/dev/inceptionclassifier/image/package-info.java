/**
 * Turns uploaded bytes into the float32 tensor timm's eval transform produces: format sniffing by magic bytes,
 * header checks against {@link dev.inceptionclassifier.image.ImageLimits} before any pixel is decoded, decoding,
 * EXIF orientation, Pillow's {@code convert('RGB')}, Pillow 9.4's antialiased bicubic resize, torchvision's
 * center crop, {@code ToTensor} and {@code Normalize}. No Spring and no DJL types: the entry point is
 * {@link dev.inceptionclassifier.image.ImagePipeline}.
 */
package dev.inceptionclassifier.image;
