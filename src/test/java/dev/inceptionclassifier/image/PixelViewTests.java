package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading decoder rasters in place gives the same bytes as the copies it replaces: the eight EXIF orientations
 * against a pixel-by-pixel reference, and {@link ImagePipeline#prepare} against {@code decode} + {@code preprocess}
 * for every decodable corpus sample, both decoders and both resize modes.
 */
class PixelViewTests {

    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void orientationByStridesEqualsRotatingThePixels(int orientation) {
        int w = 7;
        int h = 5;
        byte[] rgb = new byte[w * h * 3];
        new Random(orientation).nextBytes(rgb);
        byte[] expected = rotate(rgb, w, h, orientation);
        PixelView view = PixelView.rgb(rgb, w, h).oriented(orientation);
        assertThat(view.toRgb()).isEqualTo(expected);
        boolean swap = orientation >= 5;
        assertThat(view.width()).isEqualTo(swap ? h : w);
        // a 4-byte BGRA layout with a leading offset, as ImageIO's TYPE_4BYTE_ABGR has it, reads the same
        byte[] abgr = new byte[5 + w * h * 4];
        for (int i = 0; i < w * h; i++) {
            abgr[5 + i * 4] = (byte) 0x7f;
            abgr[5 + i * 4 + 1] = rgb[i * 3 + 2];
            abgr[5 + i * 4 + 2] = rgb[i * 3 + 1];
            abgr[5 + i * 4 + 3] = rgb[i * 3];
        }
        PixelView stored = new PixelView(abgr, w, h, 5, 4, w * 4, 3, 2, 1);
        assertThat(stored.oriented(orientation).toRgb()).isEqualTo(expected);
        // and the resampler reads the view exactly as it reads the rotated copy
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        for (Interpolation f : Interpolation.values()) {
            assertThat(PillowResampler.resize(f, stored.oriented(orientation), 3, 4, 0, 1, 3, 3))
                    .isEqualTo(PillowResampler.resize(f, expected, ow, oh, 3, 4, 0, 1, 3, 3));
            assertThat(PillowResampler.resize(f, stored.oriented(orientation), ow, 2, 1, 0, 2, 2))
                    .isEqualTo(PillowResampler.resize(f, expected, ow, oh, ow, 2, 1, 0, 2, 2));
        }
    }

    @Test
    void grayIsReplicatedAndViewsOutsideTheirBufferAreRefused() {
        PixelView gray = PixelView.gray(new byte[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertThat(gray.toRgb()).containsExactly(1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6);
        assertThat(gray.oriented(6).toRgb()).containsExactly(4, 4, 4, 1, 1, 1, 5, 5, 5, 2, 2, 2, 6, 6, 6, 3, 3, 3);
        assertThatThrownBy(() -> new PixelView(new byte[12], 2, 2, 1, 3, 6, 0, 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PixelView(new byte[12], 2, 2, 0, -3, 6, 0, 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prepareEqualsDecodeThenPreprocess() {
        List<ImagePipeline> pipelines = new ArrayList<>();
        pipelines.add(new ImagePipeline(ImageLimits.defaults()));
        JpegBackend auto = JpegBackend.select(JpegBackend.Choice.AUTO, null, null);
        if (auto.turbo() != null) {
            pipelines.add(new ImagePipeline(ImageLimits.defaults(), auto, DecodeMemoryBudget.unlimited()));
        }
        PreprocessSpec crop = PreprocessSpec.inception(0.875);
        PreprocessSpec squash = new PreprocessSpec(
                299, 1.0, true, PreprocessSpec.INCEPTION_MEAN_STD, PreprocessSpec.INCEPTION_MEAN_STD);
        int checked = 0;
        for (ImagePipeline pipeline : pipelines) {
            for (ImageCorpus.Sample s : ImageCorpus.valid()) {
                for (PreprocessSpec spec : List.of(crop, squash)) {
                    DecodedImage decoded = pipeline.decode(s.bytes());
                    PreparedImage prepared = pipeline.prepare(s.bytes(), spec);
                    assertThat(prepared.width()).as(s.name()).isEqualTo(decoded.width());
                    assertThat(prepared.height()).as(s.name()).isEqualTo(decoded.height());
                    assertThat(prepared.format()).as(s.name()).isEqualTo(decoded.format());
                    assertThat(prepared.input())
                            .as("%s %s (%s)", s.name(), spec, pipeline.jpegDecoder())
                            .isEqualTo(pipeline.preprocess(decoded, spec));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(100);
    }

    /** The pixel-by-pixel reference: for each upright pixel, the stored pixel the EXIF definition puts there. */
    private static byte[] rotate(byte[] rgb, int width, int height, int orientation) {
        boolean swap = orientation >= 5;
        int outW = swap ? height : width;
        int outH = swap ? width : height;
        byte[] out = new byte[rgb.length];
        int o = 0;
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> {
                        sx = width - 1 - x;
                        sy = y;
                    }
                    case 3 -> {
                        sx = width - 1 - x;
                        sy = height - 1 - y;
                    }
                    case 4 -> {
                        sx = x;
                        sy = height - 1 - y;
                    }
                    case 5 -> {
                        sx = y;
                        sy = x;
                    }
                    case 6 -> {
                        sx = y;
                        sy = height - 1 - x;
                    }
                    case 7 -> {
                        sx = width - 1 - y;
                        sy = height - 1 - x;
                    }
                    case 8 -> {
                        sx = width - 1 - y;
                        sy = x;
                    }
                    default -> {
                        sx = x;
                        sy = y;
                    }
                }
                int s = (sy * width + sx) * 3;
                out[o++] = rgb[s];
                out[o++] = rgb[s + 1];
                out[o++] = rgb[s + 2];
            }
        }
        return out;
    }
}
