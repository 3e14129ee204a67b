package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What each preset resolves to, the geometry it implies, and the normaliser's BGR / [0, 255] arithmetic. */
class PreprocessPresetTests {

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    @Test
    void torchvisionResizesTo256For224And342For299WithBilinear() {
        PreprocessSpec googlenet = PreprocessPreset.TORCHVISION.spec(224);
        assertThat(googlenet.scaleSize()).isEqualTo(256);
        assertThat(googlenet.squash()).isFalse();
        assertThat(googlenet.interpolation()).isEqualTo(Interpolation.BILINEAR);
        assertThat(googlenet.channelOrder()).isEqualTo(ChannelOrder.RGB);
        assertThat(googlenet.valueRange()).isEqualTo(1);
        assertThat(googlenet.mean()).containsExactly(IMAGENET_MEAN);
        assertThat(googlenet.std()).containsExactly(IMAGENET_STD);
        PreprocessSpec v3 = PreprocessPreset.TORCHVISION.spec(299);
        // 342, not timm's floor(299 / 0.875) = 341
        assertThat(v3.scaleSize()).isEqualTo(342);
        // int(342 * 1024 / 768) = 456; (456 - 299) / 2 = 78.5 rounds to 78
        assertThat(ResizePlan.of(1024, 768, v3)).isEqualTo(new ResizePlan(456, 342, 78, 22, 299));
        assertThat(ResizePlan.of(401, 256, googlenet)).isEqualTo(new ResizePlan(401, 256, 88, 16, 224));
    }

    @Test
    void cadeneIsBgrIn0To255WithCaffeMeans() {
        PreprocessSpec bn = PreprocessPreset.CADENE.spec(224);
        // int(math.floor(224 / 0.875)) = 256
        assertThat(bn.scaleSize()).isEqualTo(256);
        assertThat(bn.cropPct()).isEqualTo(0.875);
        assertThat(bn.interpolation()).isEqualTo(Interpolation.BILINEAR);
        assertThat(bn.channelOrder()).isEqualTo(ChannelOrder.BGR);
        assertThat(bn.valueRange()).isEqualTo(255);
        assertThat(bn.mean()).containsExactly(104, 117, 128);
        assertThat(bn.std()).containsExactly(1, 1, 1);
        // planes are B, G, R; B gets 104, R gets 128
        byte[] rgb = {(byte) 200, 50, 10, 0, (byte) 255, (byte) 128};
        float[] chw = Normalizer.toChw(rgb, 2, bn);
        assertThat(chw).containsExactly(10 - 104f, 128 - 104f, 50 - 117f, 255 - 117f, 200 - 128f, 0 - 128f);
    }

    @Test
    void facenetSquashesTo160AndStandardisesAround127point5() {
        PreprocessSpec face = PreprocessPreset.FACENET.spec(160);
        assertThat(face.squash()).isTrue();
        assertThat(face.interpolation()).isEqualTo(Interpolation.BILINEAR);
        assertThat(face.channelOrder()).isEqualTo(ChannelOrder.RGB);
        assertThat(ResizePlan.of(640, 480, face)).isEqualTo(new ResizePlan(160, 160, 0, 0, 160));
        byte[] rgb = {0, (byte) 128, (byte) 255};
        // facts.json fixed_image_standardization_of_0_127.5_255: -0.99609375, 0.0 (for 127.5), 0.99609375
        assertThat(Normalizer.toChw(rgb, 1, face)).containsExactly(-0.99609375f, 0.00390625f, 0.99609375f);
    }

    @Test
    void timmPresetIsTodaysInceptionTransform() {
        PreprocessSpec timm = PreprocessPreset.TIMM.spec(299);
        assertThat(timm).isEqualTo(PreprocessSpec.inception(0.875));
        assertThat(timm.scaleSize()).isEqualTo(341);
        assertThat(timm.interpolation()).isEqualTo(Interpolation.BICUBIC);
        assertThat(timm.channelOrder()).isEqualTo(ChannelOrder.RGB);
        assertThat(timm.valueRange()).isEqualTo(1);
        // the short constructor is timm's transform: bicubic, RGB, [0, 1], scale size from crop_pct
        assertThat(new PreprocessSpec(299, 0.8975, false, IMAGENET_MEAN, IMAGENET_STD))
                .isEqualTo(new PreprocessSpec(
                        299,
                        0.8975,
                        333,
                        false,
                        Interpolation.BICUBIC,
                        ChannelOrder.RGB,
                        1,
                        IMAGENET_MEAN,
                        IMAGENET_STD));
    }

    @Test
    void specsDifferingOnlyInTheNewFieldsAreNotEqual() {
        PreprocessSpec base = PreprocessPreset.TORCHVISION.spec(224);
        PreprocessSpec bicubic = new PreprocessSpec(
                224,
                base.cropPct(),
                256,
                false,
                Interpolation.BICUBIC,
                ChannelOrder.RGB,
                1,
                IMAGENET_MEAN,
                IMAGENET_STD);
        PreprocessSpec bgr = new PreprocessSpec(
                224,
                base.cropPct(),
                256,
                false,
                Interpolation.BILINEAR,
                ChannelOrder.BGR,
                1,
                IMAGENET_MEAN,
                IMAGENET_STD);
        assertThat(base).isNotEqualTo(bicubic).isNotEqualTo(bgr);
        assertThat(base.toString()).contains("resize 256 center-crop 224x224", "bilinear", "RGB in [0, 1]");
        assertThat(PreprocessPreset.CADENE.spec(224).toString()).contains("BGR in [0, 255]");
        assertThat(PreprocessPreset.FACENET.configName()).isEqualTo("facenet");
    }

    @Test
    void invalidSpecsAreRefused() {
        assertThatThrownBy(() -> new PreprocessSpec(
                        224,
                        0.875,
                        200,
                        false,
                        Interpolation.BILINEAR,
                        ChannelOrder.RGB,
                        1,
                        IMAGENET_MEAN,
                        IMAGENET_STD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smaller than the input size");
        assertThatThrownBy(() -> new PreprocessSpec(
                        224,
                        0.875,
                        256,
                        false,
                        Interpolation.BILINEAR,
                        ChannelOrder.RGB,
                        100,
                        IMAGENET_MEAN,
                        IMAGENET_STD))
                .hasMessageContaining("valueRange must be 1 or 255");
        assertThatThrownBy(() -> new PreprocessSpec(
                        224,
                        0.875,
                        256,
                        false,
                        Interpolation.BILINEAR,
                        ChannelOrder.RGB,
                        1,
                        IMAGENET_MEAN,
                        new float[] {1, 0, 1}))
                .hasMessageContaining("std values must be positive");
    }
}
