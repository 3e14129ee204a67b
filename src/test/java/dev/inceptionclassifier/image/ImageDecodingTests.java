package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inceptionclassifier.support.TestImages;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pixel-level checks of decoding: orientation, Pillow's RGB conversion of every colour type, first frames. */
class ImageDecodingTests {

    private static final int RED = 0xff0000;
    private static final int GREEN = 0x00ff00;
    private static final int BLUE = 0x0000ff;
    private static final int WHITE = 0xffffff;

    private final ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults());

    /**
     * The upright quadrant colours {TL, TR, BL, BR} for a stored image with TL red, TR green, BL blue, BR white,
     * derived from the EXIF definition of each orientation (which stored row/column is the visual top/left).
     */
    private static final int[][] UPRIGHT = {
        null,
        {RED, GREEN, BLUE, WHITE}, // 1 as stored
        {GREEN, RED, WHITE, BLUE}, // 2 mirrored
        {WHITE, BLUE, GREEN, RED}, // 3 upside down
        {BLUE, WHITE, RED, GREEN}, // 4 flipped
        {RED, BLUE, GREEN, WHITE}, // 5 row 0 = left side, column 0 = top
        {BLUE, RED, WHITE, GREEN}, // 6 row 0 = right side, column 0 = top
        {WHITE, GREEN, BLUE, RED}, // 7 row 0 = right side, column 0 = bottom
        {GREEN, WHITE, RED, BLUE}, // 8 row 0 = left side, column 0 = bottom
    };

    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void jpegExifOrientation(int orientation) {
        byte[] jpeg = TestImages.jpeg(TestImages.quadrants(64, 32, RED, GREEN, BLUE, WHITE));
        byte[] tagged = TestImages.insertSegment(jpeg, 0xe1, TestImages.exifPayload(orientation, orientation < 5));
        DecodedImage image = pipeline.decode(tagged);
        boolean swapped = orientation >= 5;
        assertThat(image.width()).isEqualTo(swapped ? 32 : 64);
        assertThat(image.height()).isEqualTo(swapped ? 64 : 32);
        assertQuadrants(image, UPRIGHT[orientation], 40);
    }

    @Test
    void pngExifOrientationIsApplied() {
        BufferedImage q = TestImages.quadrants(16, 8, RED, GREEN, BLUE, WHITE);
        byte[] png = new TestImages.Png(16, 8, 2, 8)
                .samples(TestImages.rgbSamples(q, 3, 8))
                .chunkAfterData("eXIf", TestImages.exifTiff(6, true))
                .build();
        DecodedImage image = pipeline.decode(png);
        assertThat(image.width()).isEqualTo(8);
        assertThat(image.height()).isEqualTo(16);
        assertQuadrants(image, UPRIGHT[6], 0);
    }

    @Test
    void webpLosslessAndItsExifOrientation() {
        // a 4x2 image with channel values limited to two per channel
        int[] pixels = {RED, RED, BLUE, BLUE, BLUE, BLUE, RED, RED};
        DecodedImage plain = pipeline.decode(TestImages.webpLossless(4, 2, pixels, 0));
        assertThat(plain.format()).isEqualTo("webp");
        assertThat(plain.width()).isEqualTo(4);
        assertThat(plain.height()).isEqualTo(2);
        for (int i = 0; i < 8; i++) {
            assertThat(rgbAt(plain, i % 4, i / 4)).as("pixel " + i).isEqualTo(pixels[i]);
        }
        DecodedImage rotated = pipeline.decode(TestImages.webpLossless(4, 2, pixels, 6));
        assertThat(rotated.width()).isEqualTo(2);
        assertThat(rotated.height()).isEqualTo(4);
        // rotate 90 clockwise: the top row becomes the right column
        assertThat(rgbAt(rotated, 1, 0)).isEqualTo(RED);
        assertThat(rgbAt(rotated, 0, 0)).isEqualTo(BLUE);
        assertThat(rgbAt(rotated, 1, 3)).isEqualTo(BLUE);
        assertThat(rgbAt(rotated, 0, 3)).isEqualTo(RED);
    }

    @Test
    void webpOnePixel() {
        DecodedImage image = pipeline.decode(TestImages.webpLossless(1, 1, new int[] {0x10ff20}, 0));
        assertThat(rgbAt(image, 0, 0)).isEqualTo(0x10ff20);
    }

    @Test
    void paletteWithTransparencyKeepsPaletteColours() {
        int[] idx = {0, 1, 2, 3, 3, 2, 1, 0};
        byte[] png = new TestImages.Png(4, 2, 3, 8)
                .samples(idx)
                .palette(0x102030, 0x405060, 0x708090, 0xa0b0c0)
                .trns(new byte[] {0, 0, (byte) 128})
                .build();
        DecodedImage image = pipeline.decode(png);
        int[] palette = {0x102030, 0x405060, 0x708090, 0xa0b0c0};
        for (int i = 0; i < idx.length; i++) {
            // fully transparent entries keep their colour: alpha is dropped, not composited on white or black
            assertThat(rgbAt(image, i % 4, i / 4)).isEqualTo(palette[idx[i]]);
        }
    }

    @Test
    void subBytePalettesAndGrayAreScaledLikePillow() {
        int[] idx = {0, 1, 2, 3};
        byte[] pal2 = new TestImages.Png(4, 1, 3, 2)
                .samples(idx)
                .palette(0x010203, 0x040506, 0x070809, 0x0a0b0c)
                .build();
        assertThat(rgbRow(pipeline.decode(pal2))).containsExactly(0x010203, 0x040506, 0x070809, 0x0a0b0c);
        assertThat(rgbRow(pipeline.decode(
                        new TestImages.Png(4, 1, 0, 2).samples(idx).build())))
                .containsExactly(0x000000, 0x555555, 0xaaaaaa, 0xffffff);
        assertThat(rgbRow(pipeline.decode(new TestImages.Png(4, 1, 0, 4)
                        .samples(new int[] {0, 1, 3, 15})
                        .build())))
                .containsExactly(0x000000, 0x111111, 0x333333, 0xffffff);
        assertThat(rgbRow(pipeline.decode(new TestImages.Png(3, 1, 0, 1)
                        .samples(new int[] {1, 0, 1})
                        .build())))
                .containsExactly(0xffffff, 0x000000, 0xffffff);
    }

    @Test
    void grayAndGrayAlphaAreReplicatedWithoutGamma() {
        int[] gray = {0, 1, 64, 128, 200, 255};
        assertThat(rgbRow(pipeline.decode(
                        new TestImages.Png(6, 1, 0, 8).samples(gray).build())))
                .containsExactly(0x000000, 0x010101, 0x404040, 0x808080, 0xc8c8c8, 0xffffff);
        int[] ga = {0, 255, 1, 0, 64, 10, 128, 255, 200, 0, 255, 7};
        assertThat(rgbRow(pipeline.decode(
                        new TestImages.Png(6, 1, 4, 8).samples(ga).build())))
                .containsExactly(0x000000, 0x010101, 0x404040, 0x808080, 0xc8c8c8, 0xffffff);
    }

    @Test
    void rgbaDropsAlphaInsteadOfCompositing() {
        int[] rgba = {10, 20, 30, 0, 200, 100, 50, 128, 1, 2, 3, 255};
        assertThat(rgbRow(pipeline.decode(
                        new TestImages.Png(3, 1, 6, 8).samples(rgba).build())))
                .containsExactly(0x0a141e, 0xc86432, 0x010203);
    }

    @Test
    void sixteenBitSamplesKeepTheirHighByte() {
        int[] rgb16 = {0x12ff, 0x3400, 0xfe80, 0x0001, 0xffff, 0x8000};
        assertThat(rgbRow(pipeline.decode(
                        new TestImages.Png(2, 1, 2, 16).samples(rgb16).build())))
                .containsExactly(0x1234fe, 0x00ff80);
        int[] rgba16 = {0x12ff, 0x3400, 0xfe80, 0, 0x0001, 0xffff, 0x8000, 0xffff};
        assertThat(rgbRow(pipeline.decode(
                        new TestImages.Png(2, 1, 6, 16).samples(rgba16).build())))
                .containsExactly(0x1234fe, 0x00ff80);
        int[] gray16 = {0x0000, 0x00ff, 0x7f80, 0xffff};
        assertThat(rgbRow(pipeline.decode(
                        new TestImages.Png(4, 1, 0, 16).samples(gray16).build())))
                .containsExactly(0x000000, 0x000000, 0x7f7f7f, 0xffffff);
        int[] grayAlpha16 = {0x4321, 0, 0xabcd, 0xffff};
        assertThat(rgbRow(pipeline.decode(
                        new TestImages.Png(2, 1, 4, 16).samples(grayAlpha16).build())))
                .containsExactly(0x434343, 0xababab);
    }

    @Test
    void interlacedPngDecodesLikeTheProgressiveOne() {
        BufferedImage img = TestImages.pattern(37, 29);
        int[] samples = TestImages.rgbSamples(img, 3, 8);
        DecodedImage plain = pipeline.decode(
                new TestImages.Png(37, 29, 2, 8).samples(samples).build());
        DecodedImage interlaced = pipeline.decode(
                new TestImages.Png(37, 29, 2, 8).samples(samples).interlaced().build());
        assertThat(interlaced.rgb()).isEqualTo(plain.rgb());
        for (int i = 0; i < 37 * 29; i++) {
            int rgb = img.getRGB(i % 37, i / 37) & 0xffffff;
            assertThat(rgbAt(plain, i % 37, i / 37)).isEqualTo(rgb);
        }
    }

    @Test
    void cmykAndYcckJpegsConvertAsPillowDoes() {
        // Adobe-inverted raw CMYK (55, 205, 255, 235) = C 200, M 50, Y 0, K 20; Pillow's cmyk2rgb gives (51, 189, 235)
        DecodedImage cmyk = pipeline.decode(TestImages.jpeg4(16, 16, new int[] {55, 205, 255, 235}, 0));
        assertThat(cmyk.format()).isEqualTo("jpeg");
        assertClose(rgbAt(cmyk, 8, 8), 0x33bdeb, 3);
        // the same ink as YCCK: libjpeg turns it into CMYK first; TwelveMonkeys' own conversion gives (185, 47, 0)
        DecodedImage ycck = pipeline.decode(TestImages.jpeg4(16, 16, new int[] {166, 178, 49, 235}, 2));
        assertClose(rgbAt(ycck, 8, 8), 0xb92f00, 3);
    }

    @Test
    void jpegIccProfileIsIgnoredAsPillowIgnoresIt() {
        byte[] jpeg = TestImages.jpeg(TestImages.pattern(48, 32));
        byte[] withIcc = TestImages.insertSegment(jpeg, 0xe2, TestImages.iccApp2(TestImages.srgbProfile()));
        byte[] junk = new byte[400];
        Arrays.fill(junk, (byte) 0x5a);
        byte[] withBadIcc = TestImages.insertSegment(jpeg, 0xe2, TestImages.iccApp2(junk));
        byte[] base = pipeline.decode(jpeg).rgb();
        assertThat(pipeline.decode(withIcc).rgb()).isEqualTo(base);
        assertThat(pipeline.decode(withBadIcc).rgb()).isEqualTo(base);
    }

    @Test
    void animatedGifYieldsItsFirstFrame() throws Exception {
        int[] pal = {RED, GREEN, BLUE, WHITE};
        byte[] gif =
                TestImages.animatedGif(TestImages.indexed(10, 6, pal, -1, 0), TestImages.indexed(10, 6, pal, -1, 2));
        javax.imageio.ImageReader reader =
                javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
        reader.setInput(new com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream(gif));
        assertThat(reader.getNumImages(true)).as("frames in the test file").isEqualTo(2);
        reader.dispose();
        DecodedImage image = pipeline.decode(gif);
        assertThat(image.format()).isEqualTo("gif");
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 10; x++) {
                assertThat(rgbAt(image, x, y)).isEqualTo(RED);
            }
        }
    }

    @Test
    void transparentGifKeepsThePaletteColour() {
        int[] pal = {0x123456, GREEN};
        DecodedImage image = pipeline.decode(TestImages.write(TestImages.indexed(5, 5, pal, 0, 0), "gif"));
        assertThat(rgbAt(image, 2, 2)).isEqualTo(0x123456);
    }

    @Test
    void bmpBottomUpAndTopDown() {
        BufferedImage img = TestImages.pattern(13, 7);
        DecodedImage up = pipeline.decode(TestImages.bmp24(img, false));
        DecodedImage down = pipeline.decode(TestImages.bmp24(img, true));
        assertThat(up.format()).isEqualTo("bmp");
        assertThat(down.rgb()).isEqualTo(up.rgb());
        for (int i = 0; i < 13 * 7; i++) {
            assertThat(rgbAt(up, i % 13, i / 13)).isEqualTo(img.getRGB(i % 13, i / 13) & 0xffffff);
        }
    }

    @Test
    void onePixelImagesPreprocessToTheirColour() {
        DecodedImage image = pipeline.decode(
                new TestImages.Png(1, 1, 2, 8).samples(new int[] {0, 255, 51}).build());
        float[] input = pipeline.preprocess(image, PreprocessSpec.inception(0.875));
        int plane = 299 * 299;
        for (int i = 0; i < plane; i++) {
            assertThat(input[i]).isEqualTo(-1f);
            assertThat(input[plane + i]).isEqualTo(1f);
            assertThat(input[2 * plane + i]).isEqualTo((51 / 255f - 0.5f) / 0.5f);
        }
    }

    @Test
    void extremeAspectRatioGivesAValidInput() {
        BufferedImage wide = TestImages.pattern(5000, 3);
        DecodedImage image = pipeline.decode(new TestImages.Png(5000, 3, 2, 8)
                .samples(TestImages.rgbSamples(wide, 3, 8))
                .build());
        float[] input = pipeline.preprocess(image, PreprocessSpec.inception(0.8975));
        assertThat(input).hasSize(3 * 299 * 299);
        // the crop is the middle 299 of 568,333 columns: red (x / 5000 * 255) stays near 127
        int plane = 299 * 299;
        for (int i = 0; i < plane; i++) {
            assertThat(input[i]).isBetween(-0.05f, 0.05f);
        }
    }

    @Test
    void formatIsSniffedNotDeclared() {
        byte[] jpeg = TestImages.jpeg(TestImages.pattern(8, 8));
        assertThat(pipeline.decode(jpeg).format()).isEqualTo("jpeg");
        assertThat(pipeline.decode(TestImages.write(TestImages.pattern(8, 8), "png"))
                        .format())
                .isEqualTo("png");
        assertThatThrownBy(() -> pipeline.decode("<svg/>".getBytes()))
                .isInstanceOfSatisfying(
                        ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.UNSUPPORTED_FORMAT));
    }

    static int rgbAt(DecodedImage image, int x, int y) {
        int p = (y * image.width() + x) * 3;
        byte[] b = image.rgb();
        return (b[p] & 0xff) << 16 | (b[p + 1] & 0xff) << 8 | b[p + 2] & 0xff;
    }

    private static int[] rgbRow(DecodedImage image) {
        int[] row = new int[image.width()];
        for (int x = 0; x < row.length; x++) {
            row[x] = rgbAt(image, x, 0);
        }
        return row;
    }

    private static void assertQuadrants(DecodedImage image, int[] expected, int tolerance) {
        int w = image.width();
        int h = image.height();
        int[][] centres = {{w / 4, h / 4}, {3 * w / 4, h / 4}, {w / 4, 3 * h / 4}, {3 * w / 4, 3 * h / 4}};
        for (int q = 0; q < 4; q++) {
            assertClose(rgbAt(image, centres[q][0], centres[q][1]), expected[q], tolerance);
        }
    }

    private static void assertClose(int actual, int expected, int tolerance) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int a = actual >> shift & 0xff;
            int e = expected >> shift & 0xff;
            assertThat(Math.abs(a - e))
                    .as("channel at bit %d of %06x vs %06x", shift, actual, expected)
                    .isLessThanOrEqualTo(tolerance);
        }
    }
}
