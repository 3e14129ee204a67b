package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.support.TestImages;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reservation each decode makes covers what it really allocates: for every format, colour type and decoder,
 * the Java heap bytes allocated by {@link ImagePipeline#prepare} and {@link ImagePipeline#decode} stay under the
 * {@link DecodeMemory} worst case. Total allocation bounds the peak, so the budget holds. The one allowance: the
 * JDK's readers allocate a row-sized buffer for every row they output into an 8-bit RGB(A) raster (every row of
 * every scan of a progressive JPEG), which is garbage at once; {@link #transientRowBuffers} adds exactly that much.
 * Images are two megapixels, so that pixel buffers, not fixed costs, dominate.
 */
class DecodeMemoryTests {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final PreprocessSpec SPEC = PreprocessSpec.inception(0.875);
    private static final int W = 1600;
    private static final int H = 1200;
    private static final List<Arguments> IMAGES = generate();

    private static JpegBackend turbo;

    @BeforeAll
    static void loadTurboJpeg() {
        JpegBackend auto = JpegBackend.select(JpegBackend.Choice.AUTO, null, null);
        turbo = auto.turbo() != null ? auto : null;
    }

    static Stream<Arguments> images() {
        return IMAGES.stream();
    }

    static Stream<Arguments> jpegs() {
        return IMAGES.stream().filter(a -> a.get()[0].toString().startsWith("jpeg"));
    }

    private static List<Arguments> generate() {
        BufferedImage photo = TestImages.pattern(W, H);
        List<Arguments> a = new ArrayList<>();
        byte[] jpeg = TestImages.jpeg(photo);
        a.add(Arguments.of("jpeg-420", jpeg));
        a.add(Arguments.of("jpeg-420-exif-6", TestImages.insertSegment(jpeg, 0xe1, TestImages.exifPayload(6, true))));
        a.add(Arguments.of("jpeg-progressive", TestImages.jpeg(photo, 0.9f, true)));
        BufferedImage gray = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        gray.getGraphics().drawImage(photo, 0, 0, null);
        a.add(Arguments.of("jpeg-gray", TestImages.jpeg(gray)));
        a.add(Arguments.of("jpeg-cmyk", TestImages.jpeg4(W, H, new int[] {55, 205, 255, 235}, 0)));
        a.add(Arguments.of("jpeg-ycck", TestImages.jpeg4(W, H, new int[] {166, 178, 49, 235}, 2)));
        int[][] pngs = {{2, 8}, {6, 8}, {0, 8}, {4, 8}, {2, 16}, {6, 16}, {0, 16}, {0, 1}, {0, 4}};
        for (int[] p : pngs) {
            int channels = switch (p[0]) {
                case 0 -> 1;
                case 4 -> 2;
                case 2 -> 3;
                default -> 4;
            };
            a.add(Arguments.of(
                    "png-type" + p[0] + "-" + p[1] + "bit",
                    new TestImages.Png(W, H, p[0], p[1])
                            .samples(TestImages.rgbSamples(photo, channels, p[1]))
                            .build()));
        }
        a.add(Arguments.of(
                "png-rgba16-interlaced",
                new TestImages.Png(W, H, 6, 16)
                        .samples(TestImages.rgbSamples(photo, 4, 16))
                        .interlaced()
                        .build()));
        int[] indices = new int[W * H];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = (i / 7) % 4;
        }
        a.add(Arguments.of(
                "png-palette8",
                new TestImages.Png(W, H, 3, 8)
                        .samples(indices)
                        .palette(0xff0000, 0x00ff00, 0x0000ff, 0x808080)
                        .build()));
        a.add(Arguments.of(
                "png-palette2",
                new TestImages.Png(W, H, 3, 2)
                        .samples(indices)
                        .palette(0xff0000, 0x00ff00, 0x0000ff, 0x808080)
                        .build()));
        int[] pal = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};
        a.add(Arguments.of("gif", TestImages.write(TestImages.indexed(W, H, pal, -1, -1), "gif")));
        a.add(Arguments.of("bmp-24", TestImages.bmp24(photo, false)));
        a.add(Arguments.of("bmp-8", TestImages.write(TestImages.indexed(W, H, pal, -1, -1), "bmp")));
        int[] two = new int[W * H];
        for (int i = 0; i < two.length; i++) {
            two[i] = (i / 5) % 2 == 0 ? 0xff0000 : 0x0000ff;
        }
        a.add(Arguments.of("webp-lossless", TestImages.webpLossless(W, H, two, 0)));
        a.add(Arguments.of("webp-lossless-exif-6", TestImages.webpLossless(W, H, two, 6)));
        return a;
    }

    @ParameterizedTest(name = "{0} (imageio)")
    @MethodSource("images")
    void imageIoStaysWithinTheReservation(String name, byte[] bytes) {
        check(name, bytes, new ImagePipeline(ImageLimits.defaults()), "imageio");
    }

    @ParameterizedTest(name = "{0} (turbojpeg)")
    @MethodSource("jpegs")
    void turboJpegStaysWithinTheReservation(String name, byte[] bytes) {
        Assumptions.assumeTrue(turbo != null, "libjpeg-turbo's Java binding is not installed; ImageIO only");
        check(
                name,
                bytes,
                new ImagePipeline(ImageLimits.defaults(), turbo, DecodeMemoryBudget.unlimited()),
                "turbojpeg");
    }

    private static void check(String name, byte[] bytes, ImagePipeline pipeline, String decoder) {
        ImageHeader header = HeaderScanner.scan(ImageFormat.sniff(bytes), bytes, ImageLimits.defaults());
        long transients = decoder.equals("imageio") ? transientRowBuffers(header) : 0;
        long prepareBound = pipeline.worstCase(bytes, SPEC);
        long decodeBound = pipeline.worstCase(bytes, null);

        pipeline.prepare(bytes, SPEC); // class loading and first-use caches are not per-request costs
        pipeline.decode(bytes);
        long prepared = allocatedBy(() -> pipeline.prepare(bytes, SPEC));
        long decoded = allocatedBy(() -> pipeline.decode(bytes));
        System.out.printf(
                "[decode-memory] %-24s %-9s prepare %6.1f MiB of %6.1f reserved, decode %6.1f of %6.1f,"
                        + " row buffers %5.1f (pixels %.1f MiB as RGB)%n",
                name,
                decoder,
                mib(prepared),
                mib(prepareBound),
                mib(decoded),
                mib(decodeBound),
                mib(transients),
                mib(3L * header.pixels()));
        assertThat(prepared).as("bytes allocated by prepare").isLessThanOrEqualTo(prepareBound + transients);
        assertThat(decoded).as("bytes allocated by decode").isLessThanOrEqualTo(decodeBound + transients);
    }

    /**
     * The JDK's JPEG and PNG readers hand each output row of an 8-bit 3- or 4-channel raster over in a new buffer of
     * the row's size; a progressive JPEG outputs every row once per scan. Garbage as soon as copied: not held.
     */
    private static long transientRowBuffers(ImageHeader h) {
        boolean rgb8 = h.components() >= 3 && h.bitDepth() == 8 && !h.indexed();
        if (!rgb8 || h.isCmykJpeg() || h.format() != ImageFormat.JPEG && h.format() != ImageFormat.PNG) {
            return 0;
        }
        int passes = h.format() == ImageFormat.JPEG ? Math.max(1, h.scans()) : 1;
        return (long) passes * h.components() * h.pixels();
    }

    private static long allocatedBy(Runnable r) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        r.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }
}
