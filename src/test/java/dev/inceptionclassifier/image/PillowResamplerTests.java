package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The resampler's fixed-point coefficients (bicubic, bilinear), windows and the torchvision resize/crop geometry. */
class PillowResamplerTests {

    @Test
    void coefficientsMatchPillowsPrecomputeCoeffs() {
        // expected values computed independently (Python, Resample.c's formulas)
        PillowResampler.Coefficients down = PillowResampler.coefficients(Interpolation.BICUBIC, 4, 2, 0, 2);
        assertThat(down.xmin()).containsExactly(0, 0);
        assertThat(down.xcount()).containsExactly(4, 4);
        assertThat(Arrays.copyOfRange(down.weights(), 0, 4)).containsExactly(1923834, 1923834, 502623, -155987);
        assertThat(Arrays.copyOfRange(down.weights(), down.ksize(), down.ksize() + 4))
                .containsExactly(-155987, 502623, 1923834, 1923834);

        PillowResampler.Coefficients up = PillowResampler.coefficients(Interpolation.BICUBIC, 3, 7, 0, 3);
        assertThat(up.xcount()).containsExactly(2, 3, 3);
        assertThat(Arrays.copyOfRange(up.weights(), 0, 2)).containsExactly(4597602, -403298);
        assertThat(Arrays.copyOfRange(up.weights(), up.ksize(), up.ksize() + 3))
                .containsExactly(3799273, 429887, -34856);
        assertThat(Arrays.copyOfRange(up.weights(), 2 * up.ksize(), 2 * up.ksize() + 3))
                .containsExactly(1847353, 2625797, -278846);

        PillowResampler.Coefficients third = PillowResampler.coefficients(Interpolation.BICUBIC, 10, 3, 0, 3);
        assertThat(third.xmin()).containsExactly(0, 0, 2);
        assertThat(third.xcount()).containsExactly(8, 10, 8);
        assertThat(Arrays.copyOfRange(third.weights(), 0, 8))
                .containsExactly(1031733, 1352763, 1180254, 671405, 156432, -73750, -92634, -31899);
        // a window of output positions has the same coefficients as the full set
        PillowResampler.Coefficients last = PillowResampler.coefficients(Interpolation.BICUBIC, 10, 3, 2, 1);
        assertThat(last.xmin()).containsExactly(2);
        assertThat(Arrays.copyOfRange(last.weights(), 0, 8))
                .containsExactly(-31899, -92634, -73750, 156432, 671405, 1180254, 1352763, 1031733);
    }

    @Test
    void bilinearCoefficientsMatchPillowsPrecomputeCoeffs() {
        // by hand from Resample.c: 4 -> 2, scale 2, support 1 * 2; output 0 centre 1.0, xmin int(-0.5) = 0,
        // xmax int(3.5) = 3; taps at distances 0.5, 0.5, 1.5 scaled by 1/2: 0.75, 0.75, 0.25, normalised by 1.75,
        // times 2^22 and rounded: 1797559, 1797559, 599186 (they sum to exactly 2^22)
        PillowResampler.Coefficients down = PillowResampler.coefficients(Interpolation.BILINEAR, 4, 2, 0, 2);
        assertThat(down.ksize()).isEqualTo(5);
        assertThat(down.xmin()).containsExactly(0, 1);
        assertThat(down.xcount()).containsExactly(3, 3);
        assertThat(Arrays.copyOfRange(down.weights(), 0, 3)).containsExactly(1797559, 1797559, 599186);
        assertThat(Arrays.copyOfRange(down.weights(), 5, 8)).containsExactly(599186, 1797559, 1797559);
        // 2 -> 5 (upscale, support stays 1): output 1 centre 0.6, taps 0.9 and 0.1 of the first two pixels
        PillowResampler.Coefficients up = PillowResampler.coefficients(Interpolation.BILINEAR, 2, 5, 1, 1);
        assertThat(up.xmin()).containsExactly(0);
        assertThat(up.xcount()).containsExactly(2);
        assertThat(Arrays.copyOfRange(up.weights(), 0, 2)).containsExactly(3774874, 419430);
        // the kernel is the triangle, not the bicubic
        assertThat(PillowResampler.bilinear(0.25)).isEqualTo(0.75);
        assertThat(PillowResampler.bilinear(-1.0)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Interpolation.class)
    void flatImagesStayFlatWhateverTheScale(Interpolation filter) {
        int[][] sizes = {{50, 40, 17, 13}, {5, 3, 299, 299}, {300, 7, 41, 90}, {1, 1, 9, 4}, {640, 480, 341, 455}};
        for (int[] s : sizes) {
            byte[] src = new byte[s[0] * s[1] * 3];
            for (int i = 0; i < src.length; i += 3) {
                src[i] = (byte) 201;
                src[i + 1] = 0;
                src[i + 2] = (byte) 255;
            }
            byte[] out = PillowResampler.resize(filter, src, s[0], s[1], s[2], s[3], 0, 0, s[2], s[3]);
            for (int i = 0; i < out.length; i += 3) {
                assertThat(out[i] & 0xff).isEqualTo(201);
                assertThat(out[i + 1] & 0xff).isZero();
                assertThat(out[i + 2] & 0xff).isEqualTo(255);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Interpolation.class)
    void aWindowIsBitIdenticalToCroppingTheFullResize(Interpolation filter) {
        Random random = new Random(11);
        int[][] cases = {
            {57, 43, 100, 31, 10, 5, 50, 20},
            {200, 150, 64, 48, 3, 7, 60, 40},
            {30, 30, 30, 90, 4, 1, 20, 80},
            {30, 30, 90, 30, 1, 4, 80, 20}
        };
        for (int[] c : cases) {
            byte[] src = new byte[c[0] * c[1] * 3];
            random.nextBytes(src);
            byte[] full = PillowResampler.resize(filter, src, c[0], c[1], c[2], c[3], 0, 0, c[2], c[3]);
            byte[] window = PillowResampler.resize(filter, src, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
            for (int y = 0; y < c[7]; y++) {
                byte[] expected =
                        Arrays.copyOfRange(full, ((c[5] + y) * c[2] + c[4]) * 3, ((c[5] + y) * c[2] + c[4] + c[6]) * 3);
                byte[] actual = Arrays.copyOfRange(window, y * c[6] * 3, (y + 1) * c[6] * 3);
                assertThat(actual).as("row " + y + " of " + Arrays.toString(c)).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Interpolation.class)
    void sameSizeIsACopyAndOnePassIsSkipped(Interpolation filter) {
        Random random = new Random(5);
        byte[] src = new byte[40 * 30 * 3];
        random.nextBytes(src);
        assertThat(PillowResampler.resize(filter, src, 40, 30, 40, 30, 0, 0, 40, 30))
                .isEqualTo(src);
        // only the width changes: rows are resampled independently, so a single row gives the same values
        byte[] wide = PillowResampler.resize(filter, src, 40, 30, 17, 30, 0, 0, 17, 30);
        byte[] row5 = Arrays.copyOfRange(src, 5 * 40 * 3, 6 * 40 * 3);
        assertThat(Arrays.copyOfRange(wide, 5 * 17 * 3, 6 * 17 * 3))
                .isEqualTo(PillowResampler.resize(filter, row5, 40, 1, 17, 1, 0, 0, 17, 1));
    }

    @Test
    void resizePlanFollowsTorchvision() {
        PreprocessSpec v4 = PreprocessSpec.inception(0.875);
        assertThat(v4.scaleSize()).isEqualTo(341);
        // int(341 * 1024 / 768) = int(454.67) = 454; crop left round(77.5) = 78 (half to even)
        assertThat(ResizePlan.of(1024, 768, v4)).isEqualTo(new ResizePlan(454, 341, 78, 21, 299));
        // int(341 * 2000 / 600) = int(1136.67) = 1136; crop top round(418.5) = 418 (half to even)
        assertThat(ResizePlan.of(600, 2000, v4)).isEqualTo(new ResizePlan(341, 1136, 21, 418, 299));
        // already at the target: size kept; (512 - 299) / 2 = 106.5 rounds to 106, not Java's 107
        assertThat(ResizePlan.of(512, 341, v4)).isEqualTo(new ResizePlan(512, 341, 106, 21, 299));
        assertThat(ResizePlan.of(341, 341, v4)).isEqualTo(new ResizePlan(341, 341, 21, 21, 299));
        PreprocessSpec irv2 = PreprocessSpec.inception(0.8975);
        assertThat(irv2.scaleSize()).isEqualTo(333);
        // 333 * 5000 / 3 = 555000 exactly; round(277350.5) = 277350
        assertThat(ResizePlan.of(5000, 3, irv2)).isEqualTo(new ResizePlan(555000, 333, 277350, 17, 299));
        PreprocessSpec squash = new PreprocessSpec(
                299, 1.0, true, PreprocessSpec.INCEPTION_MEAN_STD, PreprocessSpec.INCEPTION_MEAN_STD);
        assertThat(ResizePlan.of(1024, 768, squash)).isEqualTo(new ResizePlan(299, 299, 0, 0, 299));
    }

    @Test
    void normalisationIsTorchsFloat32Arithmetic() {
        byte[] rgb = {0, (byte) 128, (byte) 255};
        float[] out = Normalizer.toChw(
                rgb, 1, new PreprocessSpec(224, 1.0, false, new float[] {0.485f, 0.456f, 0.406f}, new float[] {
                    0.229f, 0.224f, 0.225f
                }));
        assertThat(out[0]).isEqualTo((0f / 255f - 0.485f) / 0.229f);
        assertThat(out[1]).isEqualTo((128f / 255f - 0.456f) / 0.224f);
        assertThat(out[2]).isEqualTo((255f / 255f - 0.406f) / 0.225f);
        // CHW layout
        byte[] two = {1, 2, 3, 4, 5, 6};
        float[] chw = Normalizer.toChw(
                two, 2, new PreprocessSpec(224, 1.0, false, new float[] {0, 0, 0}, new float[] {1, 1, 1}));
        assertThat(chw).containsExactly(1 / 255f, 4 / 255f, 2 / 255f, 5 / 255f, 3 / 255f, 6 / 255f);
    }
}
