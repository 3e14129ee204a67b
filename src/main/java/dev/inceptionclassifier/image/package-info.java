/**
 * Turns uploaded bytes into the float32 tensor a model's reference eval transform produces (timm's, torchvision's,
 * Cadene's or facenet-pytorch's: {@link dev.inceptionclassifier.image.PreprocessPreset}): format sniffing by magic
 * bytes, header checks against {@link dev.inceptionclassifier.image.ImageLimits} before any pixel is decoded,
 * decoding, EXIF orientation, Pillow's {@code convert('RGB')}, Pillow 9.4's antialiased bicubic or bilinear resize,
 * torchvision's center crop, {@code ToTensor} and {@code Normalize}. No Spring and no DJL types: the entry point is
 * {@link dev.inceptionclassifier.image.ImagePipeline}.
 */
package dev.inceptionclassifier.image;
