package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import dev.inceptionclassifier.support.TestImages;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Limits and budgets: refused from the header, quickly, without allocating the raster. */
class ImageLimitsTests {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults());

    @Test
    void pngBombIsRefusedFromItsHeaderInMillisecondsWithLittleMemory() {
        byte[] bomb = new TestImages.Png(100_000, 100_000, 6, 16)
                .idat(TestImages.deflatedZeros(1 << 20))
                .build();
        assertRefusedCheaply(bomb, Reason.TOO_LARGE);
        // under the side limit but 361 M pixels: the pixel-count check, again before any raster
        byte[] wide = new TestImages.Png(19_000, 19_000, 2, 8)
                .idat(TestImages.deflatedZeros(1 << 20))
                .build();
        assertRefusedCheaply(wide, Reason.TOO_LARGE);
    }

    @Test
    void gifJpegBmpAndWebpBombsAreRefusedCheaply() {
        assertRefusedCheaply(TestImages.gifClaiming(65535, 65535, 65535, 65535), Reason.TOO_LARGE);
        assertRefusedCheaply(TestImages.gifClaiming(8, 8, 40000, 40000), Reason.TOO_LARGE);
        for (ImageCorpus.Sample s : ImageCorpus.samples()) {
            if (s.name().contains("bomb") && s.expected() == Reason.TOO_LARGE) {
                assertRefusedCheaply(s.bytes(), Reason.TOO_LARGE);
            }
        }
    }

    @Test
    void maxBytesMaxSideAndMaxPixelsAreConfigurable() {
        byte[] png = TestImages.write(TestImages.pattern(300, 20), "png");
        ImagePipeline tight = new ImagePipeline(
                new ImageLimits(png.length - 1, 40_000_000, 20_000, 1 << 20, 100, Duration.ofSeconds(10)));
        assertThat(rejection(tight, png)).isEqualTo(Reason.TOO_LARGE);
        ImagePipeline narrow =
                new ImagePipeline(new ImageLimits(1 << 20, 40_000_000, 299, 1 << 20, 100, Duration.ofSeconds(10)));
        assertThat(rejection(narrow, png)).isEqualTo(Reason.TOO_LARGE);
        ImagePipeline small =
                new ImagePipeline(new ImageLimits(1 << 20, 5_999, 20_000, 1 << 20, 100, Duration.ofSeconds(10)));
        assertThat(rejection(small, png)).isEqualTo(Reason.TOO_LARGE);
        ImagePipeline exact =
                new ImagePipeline(new ImageLimits(png.length, 6_000, 300, 1 << 20, 100, Duration.ofSeconds(10)));
        assertThat(exact.decode(png).width()).isEqualTo(300);
    }

    @Test
    void progressiveScansAreCountedBeforeDecoding() {
        byte[] progressive = TestImages.jpeg(TestImages.pattern(64, 64), 0.9f, true);
        int scans = 0;
        for (int i = 0; i < progressive.length - 1; i++) {
            if (progressive[i] == (byte) 0xff && progressive[i + 1] == (byte) 0xda) {
                scans++;
            }
        }
        assertThat(scans).isGreaterThan(3);
        assertThat(rejection(withScans(scans - 1), progressive)).isEqualTo(Reason.BUDGET_EXCEEDED);
        assertThat(withScans(scans).decode(progressive).width()).isEqualTo(64);
        // a 5,000-scan file is refused in the scan walk, without decoding one
        assertRefusedCheaply(TestImages.withExtraScans(progressive, 5000), Reason.BUDGET_EXCEEDED);
    }

    @Test
    void metadataBudgetCountsTheEncodedMetadata() {
        byte[] big = new byte[3000];
        new Random(1).nextBytes(big);
        byte[] png = new TestImages.Png(4, 4, 0, 8)
                .samples(new int[16])
                .chunkBeforeData("zTXt", big)
                .build();
        ImagePipeline strict =
                new ImagePipeline(new ImageLimits(1 << 20, 40_000_000, 20_000, 2_000, 100, Duration.ofSeconds(10)));
        assertThat(rejection(strict, png)).isEqualTo(Reason.BUDGET_EXCEEDED);
        assertThat(pipeline.decode(png).width()).isEqualTo(4);
        byte[] jpeg = TestImages.insertSegment(TestImages.jpeg(TestImages.pattern(8, 8)), 0xe1, big);
        assertThat(rejection(strict, jpeg)).isEqualTo(Reason.BUDGET_EXCEEDED);
        assertThat(pipeline.decode(jpeg).width()).isEqualTo(8);
    }

    @Test
    void compressedTextThatInflatesEnormouslyCostsNothing() {
        // 256 MiB of zeros deflates to about 250 KB; the chunk is dropped unread (the JDK reader would inflate it
        // into one array for a palette PNG)
        byte[] zeros = TestImages.deflatedZeros(256L << 20);
        byte[] data = new byte[zeros.length + 9];
        System.arraycopy("Comment\0\0".getBytes(), 0, data, 0, 9);
        System.arraycopy(zeros, 0, data, 9, zeros.length);
        byte[] png = new TestImages.Png(4, 4, 3, 8)
                .samples(new int[16])
                .palette(0x336699)
                .chunkBeforeData("zTXt", data)
                .build();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        DecodedImage image = pipeline.decode(png);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(ImageDecodingTests.rgbAt(image, 1, 1)).isEqualTo(0x336699);
        assertThat(allocated).as("bytes allocated").isLessThan(32L << 20);
        assertThat(ms).isLessThan(2_000);
    }

    @Test
    void decodeTimeoutAbortsTheDecode() {
        byte[] big = TestImages.jpeg(TestImages.pattern(3000, 2000), 0.9f, false);
        long full = timeMillis(() -> pipeline.decode(big));
        full = Math.min(full, timeMillis(() -> pipeline.decode(big)));
        ImagePipeline hasty =
                new ImagePipeline(new ImageLimits(20L << 20, 40_000_000, 20_000, 4 << 20, 100, Duration.ofMillis(5)));
        long[] elapsed = new long[1];
        Reason reason = null;
        long t0 = System.nanoTime();
        try {
            hasty.decode(big);
        } catch (ImageRejectedException e) {
            reason = e.reason();
        }
        elapsed[0] = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(
                "[limits] 3000x2000 JPEG: full decode %d ms, with a 5 ms budget refused after %d ms%n",
                full, elapsed[0]);
        assertThat(reason).isEqualTo(Reason.BUDGET_EXCEEDED);
        // aborted from the progress callbacks, not after a complete decode
        assertThat(elapsed[0]).isLessThan(Math.max(full / 2, 1));
    }

    @Test
    void decodeTimeoutAppliesAlsoWhenTheReaderReportsNoProgress() {
        byte[] png = TestImages.write(TestImages.pattern(50, 50), "png");
        ImagePipeline none =
                new ImagePipeline(new ImageLimits(20L << 20, 40_000_000, 20_000, 4 << 20, 100, Duration.ZERO));
        assertThat(rejection(none, png)).isEqualTo(Reason.BUDGET_EXCEEDED);
    }

    @Test
    void uncheckedDecoderExceptionsBecomeUndecodableWithASafeMessage() {
        byte[] bmp = TestImages.write(TestImages.indexed(30, 20, new int[] {0, 0xffffff}, -1, -1), "bmp");
        TestImages.le32(bmp, 10, -100); // pixel data offset: the JDK reader allocates a negative-size array
        ImageRejectedException e = catchThrowableOfType(ImageRejectedException.class, () -> pipeline.decode(bmp));
        assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE);
        assertThat(e.getCause())
                .as("the decoder's own failure, kept for the server log")
                .isInstanceOf(NegativeArraySizeException.class);
        assertThat(e.getMessage()).isEqualTo("the image data is corrupt or truncated");
    }

    @Test
    void mutatedFilesNeverEscapeAsAnythingButImageRejectedException() {
        Random random = new Random(20240607);
        int decoded = 0;
        int rejected = 0;
        for (ImageCorpus.Sample s : ImageCorpus.valid()) {
            if (s.bytes().length > 200_000) {
                continue;
            }
            for (int round = 0; round < 6; round++) {
                byte[] b = s.bytes().clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                try {
                    DecodedImage image = pipeline.decode(b);
                    pipeline.preprocess(image, PreprocessSpec.inception(0.875));
                    decoded++;
                } catch (ImageRejectedException e) {
                    assertThat(e.getMessage()).doesNotContain("Exception", "java.", "\n");
                    rejected++;
                }
            }
        }
        System.out.printf("[limits] mutated samples: %d decoded, %d rejected%n", decoded, rejected);
        assertThat(rejected).isPositive();
    }

    private static ImagePipeline withScans(int scans) {
        return new ImagePipeline(
                new ImageLimits(20L << 20, 40_000_000, 20_000, 4 << 20, scans, Duration.ofSeconds(10)));
    }

    private static Reason rejection(ImagePipeline p, byte[] bytes) {
        ImageRejectedException e = catchThrowableOfType(ImageRejectedException.class, () -> p.decode(bytes));
        return e == null ? null : e.reason();
    }

    private void assertRefusedCheaply(byte[] bytes, Reason expected) {
        rejection(pipeline, bytes); // warm up class loading
        long before = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        Reason reason = rejection(pipeline, bytes);
        long micros = (System.nanoTime() - t0) / 1000;
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(reason).isEqualTo(expected);
        assertThat(micros).as("microseconds to refuse").isLessThan(100_000);
        // a raster would be gigabytes; the refusal allocates a few exception objects (scan walks copy nothing)
        assertThat(allocated).as("bytes allocated while refusing").isLessThan(256 * 1024);
    }

    private static long timeMillis(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
