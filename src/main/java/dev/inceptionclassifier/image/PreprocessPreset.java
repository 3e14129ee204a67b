package dev.inceptionclassifier.image;

import java.util.Locale;

/**
 * The eval transforms the Inception family's weights were published with, by the code that publishes them. Each
 * one is checked against that code on the preprocessing fixtures ({@code PreprocessPresetReferenceTests}).
 *
 * <p>Which preset a checkpoint needs when nothing is configured:
 * <ul>
 * <li>a timm checkpoint (hub {@code model.safetensors}): its {@code config.json} {@code pretrained_cfg}, read by
 *     the model package into a spec of the {@link #TIMM} kind (bicubic, its {@code crop_pct}, mean and std);</li>
 * <li>torchvision's {@code googlenet-1378be20.pth}: {@code TORCHVISION.spec(224)}; its
 *     {@code inception_v3_google-*.pth}: {@code TORCHVISION.spec(299)};</li>
 * <li>Cadene's {@code bn_inception-52deb4733.pth}: {@code CADENE.spec(224)};</li>
 * <li>facenet-pytorch's {@code 20180402-114759-vggface2.pt} (and the CASIA-WebFace one): {@code FACENET.spec(160)}.
 * </li>
 * </ul>
 */
public enum PreprocessPreset {

    /**
     * timm's eval transform with the Inception pretrained config ({@code tf_in1k}/{@code tv_in1k} of
     * {@code inception_v3} and {@code inception_v4}): shorter side to {@code floor(inputSize / 0.875)} with Pillow
     * bicubic, center crop, RGB in [0, 1], mean = std = 0.5. A checkpoint's own {@code config.json} replaces these
     * values (IRv2's crop_pct is 0.8975, the gluon v3 weights use ImageNet mean/std).
     */
    TIMM {
        @Override
        public PreprocessSpec spec(int inputSize) {
            return new PreprocessSpec(
                    inputSize, 0.875, false, PreprocessSpec.INCEPTION_MEAN_STD, PreprocessSpec.INCEPTION_MEAN_STD);
        }
    },

    /**
     * torchvision's {@code ImageClassification} weights transform: {@code Resize(256)} for a 224 input (GoogLeNet),
     * {@code Resize(342)} for 299 (Inception-v3), Pillow bilinear, {@code CenterCrop}, RGB in [0, 1], ImageNet mean
     * (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225). Other input sizes keep the same ratio,
     * {@code round(inputSize * 8 / 7)}, which gives both published sizes. The published weights also need the
     * model's {@code transform_input} (a per-channel affine map to [-1, 1]), which belongs to the network, not here.
     */
    TORCHVISION {
        @Override
        public PreprocessSpec spec(int inputSize) {
            // round(inputSize * 8 / 7) in integers; never a tie, since a seventh is never a half
            int scaleSize = (int) ((inputSize * 16L + 7) / 14);
            return new PreprocessSpec(
                    inputSize,
                    (double) inputSize / scaleSize,
                    scaleSize,
                    false,
                    Interpolation.BILINEAR,
                    ChannelOrder.RGB,
                    1,
                    IMAGENET_MEAN,
                    IMAGENET_STD);
        }
    },

    /**
     * Cadene's {@code pretrainedmodels.utils.TransformImage} with BN-Inception's settings: shorter side to
     * {@code floor(inputSize / 0.875)} (256 for 224) with Pillow bilinear, center crop, planes swapped to BGR, values
     * in [0, 255], minus mean (104, 117, 128) for (B, G, R), std 1.
     */
    CADENE {
        @Override
        public PreprocessSpec spec(int inputSize) {
            return new PreprocessSpec(
                    inputSize,
                    CADENE_SCALE,
                    (int) Math.floor(inputSize / CADENE_SCALE),
                    false,
                    Interpolation.BILINEAR,
                    ChannelOrder.BGR,
                    255,
                    new float[] {104, 117, 128},
                    new float[] {1, 1, 1});
        }
    },

    /**
     * facenet-pytorch's {@code extract_face} and {@code fixed_image_standardization}: the image (an aligned face
     * crop; face detection is not part of it) squashed to inputSize x inputSize with Pillow bilinear, RGB in
     * [0, 255], then {@code (x - 127.5) / 128}.
     */
    FACENET {
        @Override
        public PreprocessSpec spec(int inputSize) {
            return new PreprocessSpec(
                    inputSize,
                    1.0,
                    inputSize,
                    true,
                    Interpolation.BILINEAR,
                    ChannelOrder.RGB,
                    255,
                    new float[] {127.5f, 127.5f, 127.5f},
                    new float[] {128, 128, 128});
        }
    };

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** {@code TransformImage}'s default {@code scale}. */
    private static final double CADENE_SCALE = 0.875;

    /** This preset for a network input of {@code inputSize} x {@code inputSize}. */
    public abstract PreprocessSpec spec(int inputSize);

    /** The lower-case name used in configuration and responses: {@code timm}, {@code torchvision}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
