package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service agrees with Pillow on every file of the JPEG conformance corpus ({@code src/test/resources/
 * jpeg-conformance}, made by its {@code generate.py}, Pillow's verdict in {@code manifest.json}): what Pillow decodes
 * is decoded, to the same RGB within one uint8 level (in fact exactly), and what Pillow refuses is refused with a 4xx
 * reason. Both JPEG decoders are checked; TurboJPEG where libjpeg-turbo's Java binding is installed.
 *
 * <p>Two things depend on the JDK's own libjpeg, which ImageIO uses: IJG libjpeg 6b (bundled with most JDKs, e.g.
 * Temurin) has no arithmetic decoding, so ImageIO refuses arithmetic-coded files with 415, and upsamples 1x2 chroma
 * (4:4:0) by replication where libjpeg-turbo interpolates, so those files decode, but not to Pillow's bytes. Debian's
 * JDK uses the system libjpeg-turbo and has neither difference. Deviations from Pillow's verdict are listed in the
 * manifest with the reason ({@code service}).
 */
class JpegConformanceTests {

    private static final String DIR = "/jpeg-conformance/";
    private static final JsonNode MANIFEST = read();

    private static JpegBackend turbo;
    private static boolean imageIoIsLibjpegTurbo;

    private final ImagePipeline imageIo = new ImagePipeline(ImageLimits.defaults());

    @BeforeAll
    static void probeDecoders() {
        JpegBackend auto = JpegBackend.select(JpegBackend.Choice.AUTO, null, null);
        turbo = auto.turbo() != null ? auto : null;
        // only libjpeg-turbo (and IJG 9) decode arithmetic coding: which libjpeg does this JDK's ImageIO use?
        ImageRejectedException e = catchThrowableOfType(
                ImageRejectedException.class,
                () -> new ImagePipeline(ImageLimits.defaults()).decode(bytes("cjpeg-arithmetic.jpg")));
        imageIoIsLibjpegTurbo = e == null;
        System.out.printf(
                "[conformance] Pillow %s (libjpeg-turbo %s); TurboJPEG %s; ImageIO's libjpeg: %s%n",
                MANIFEST.get("pillow").asString(),
                MANIFEST.get("libjpeg_turbo").asString(),
                turbo != null ? "installed" : "not installed",
                imageIoIsLibjpegTurbo ? "libjpeg-turbo" : "IJG 6b");
    }

    static Stream<JsonNode> samples() {
        List<JsonNode> s = new ArrayList<>();
        MANIFEST.get("samples").forEach(s::add);
        return s.stream();
    }

    @Test
    void corpusCoversTheVariants() {
        assertThat(samples()
                        .filter(s -> s.get("pillow").get("decodes").asBoolean())
                        .count())
                .isGreaterThanOrEqualTo(35);
        assertThat(samples()
                        .filter(s -> !s.get("pillow").get("decodes").asBoolean())
                        .count())
                .isGreaterThanOrEqualTo(4);
        assertThat(samples().map(s -> s.get("file").asString()))
                .contains(
                        "fill-bytes-many-segments.jpg",
                        "cjpeg-arithmetic.jpg",
                        "cjpeg-restart-1-mcu.jpg",
                        "large-segments.jpg",
                        "cjpeg-sample-3x1.jpg");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void imageIoAgreesWithPillow(JsonNode sample) {
        String file = sample.get("file").asString();
        boolean ijgUpsampling = !imageIoIsLibjpegTurbo && hasVerticalOnlyChromaSubsampling(sample);
        if (!imageIoIsLibjpegTurbo && file.startsWith("cjpeg-arithmetic")) {
            ImageRejectedException e =
                    catchThrowableOfType(ImageRejectedException.class, () -> imageIo.decode(bytes(file)));
            assertThat(e)
                    .as("IJG libjpeg cannot decode arithmetic coding: a clear 4xx")
                    .isNotNull();
            assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
            assertThat(e.getMessage()).contains("arithmetic");
            return;
        }
        check(sample, imageIo, ijgUpsampling ? 255 : 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void turboJpegAgreesWithPillow(JsonNode sample) {
        Assumptions.assumeTrue(
                turbo != null,
                "libjpeg-turbo's Java binding is not installed (Debian: "
                        + "libturbojpeg-java libturbojpeg0); only ImageIO is checked");
        String file = sample.get("file").asString();
        // TurboJPEG 2.1 hands files with sampling factors it cannot classify to ImageIO
        boolean handedToImageIo = file.matches("cjpeg-sample-(3x1|3x2|2x3|4x2|2x2-2x1-1x2|1x1-2x2-2x2)\\.jpg");
        boolean ijgUpsampling = handedToImageIo && !imageIoIsLibjpegTurbo && hasVerticalOnlyChromaSubsampling(sample);
        check(
                sample,
                new ImagePipeline(ImageLimits.defaults(), turbo, DecodeMemoryBudget.unlimited()),
                ijgUpsampling ? 255 : 0);
    }

    /**
     * Decodes or refuses as Pillow did (or as the manifest's {@code service} deviation says); a decoded image must
     * equal Pillow's RGB within {@code tolerance} levels.
     */
    private static void check(JsonNode sample, ImagePipeline pipeline, int tolerance) {
        String file = sample.get("file").asString();
        JsonNode pillow = sample.get("pillow");
        boolean expectDecode = sample.has("service")
                ? sample.get("service").get("decodes").asBoolean()
                : pillow.get("decodes").asBoolean();
        byte[] bytes = bytes(file);
        if (!expectDecode) {
            ImageRejectedException e = catchThrowableOfType(ImageRejectedException.class, () -> pipeline.decode(bytes));
            assertThat(e)
                    .as(
                            "%s: Pillow refuses it (%s), so must the service",
                            file, pillow.get("error").asString())
                    .isNotNull();
            assertThat(e.reason()).as(file).isIn(Reason.UNDECODABLE, Reason.UNSUPPORTED_FORMAT);
            return;
        }
        DecodedImage image = pipeline.decode(bytes);
        if (!pillow.get("decodes").asBoolean()) {
            return; // a documented deviation: no Pillow pixels to compare with
        }
        assertThat(image.width())
                .as(file + " width")
                .isEqualTo(pillow.get("width").asInt());
        assertThat(image.height())
                .as(file + " height")
                .isEqualTo(pillow.get("height").asInt());
        byte[] expected = pillowRgb(pillow.get("rgb").asString(), image.width(), image.height());
        int max = 0;
        int differing = 0;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((expected[i] & 0xff) - (image.rgb()[i] & 0xff));
            max = Math.max(max, d);
            differing += d > 0 ? 1 : 0;
        }
        if (max > 0) {
            System.out.printf(
                    "[conformance] %s (%s): %d of %d samples differ from Pillow, by at most %d%n",
                    file, pipeline.jpegDecoder(), differing, expected.length, max);
        }
        assertThat(max)
                .as("%s: largest difference from Pillow's RGB, in uint8 levels", file)
                .isLessThanOrEqualTo(Math.max(1, tolerance));
    }

    /**
     * Whether some component is upsampled 1x horizontally and 2x vertically (libjpeg-turbo's h1v2 "fancy" filter,
     * which IJG libjpeg 6b lacks).
     */
    private static boolean hasVerticalOnlyChromaSubsampling(JsonNode sample) {
        JsonNode sampling = sample.get("pillow").get("sampling");
        if (sampling == null || sampling.isNull()) {
            return false;
        }
        int maxH = 1;
        int maxV = 1;
        for (JsonNode c : sampling) {
            maxH = Math.max(maxH, c.get(0).asInt());
            maxV = Math.max(maxV, c.get(1).asInt());
        }
        for (JsonNode c : sampling) {
            if (maxH == c.get(0).asInt() && maxV == 2 * c.get(1).asInt()) {
                return true;
            }
        }
        return false;
    }

    private static byte[] pillowRgb(String png, int width, int height) {
        try (InputStream in = JpegConformanceTests.class.getResourceAsStream(DIR + png)) {
            var img = ImageIO.read(in);
            assertThat(img.getWidth()).isEqualTo(width);
            assertThat(img.getHeight()).isEqualTo(height);
            byte[] rgb = new byte[width * height * 3];
            for (int y = 0, o = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int p = img.getRGB(x, y);
                    rgb[o++] = (byte) (p >> 16);
                    rgb[o++] = (byte) (p >> 8);
                    rgb[o++] = (byte) p;
                }
            }
            return rgb;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String file) {
        try (InputStream in = JpegConformanceTests.class.getResourceAsStream(DIR + file)) {
            assertThat(in).as(file).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read() {
        try (InputStream in = JpegConformanceTests.class.getResourceAsStream(DIR + "manifest.json")) {
            return JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
