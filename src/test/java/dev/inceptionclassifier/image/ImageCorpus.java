package dev.inceptionclassifier.image;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import dev.inceptionclassifier.support.TestImages;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A corpus of odd, valid and hostile uploads, all generated in memory (nothing binary is committed), for the image
 * tests here and the HTTP tests. Each sample says what {@link ImagePipeline#decode} must do with it under
 * {@link ImageLimits#defaults()}.
 */
public final class ImageCorpus {

    /**
     * One upload.
     *
     * @param name a short unique name, e.g. {@code png-palette-trns}
     * @param bytes the file
     * @param declaredContentType what a client claims it is (deliberately wrong for some samples)
     * @param expected the rejection reason, or null when it must decode
     */
    public record Sample(String name, byte[] bytes, String declaredContentType, Reason expected) {

        /** Whether the sample must decode. */
        public boolean decodes() {
            return expected == null;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private ImageCorpus() {}

    /** Every sample; generated afresh on each call (about 20 MB in all, mostly the over-budget ones). */
    public static List<Sample> samples() {
        List<Sample> s = new ArrayList<>();
        valid(s);
        hostile(s);
        return Collections.unmodifiableList(s);
    }

    /** Only the samples that must decode. */
    public static List<Sample> valid() {
        return samples().stream().filter(Sample::decodes).toList();
    }

    private static void valid(List<Sample> s) {
        BufferedImage photo = TestImages.pattern(96, 64);
        byte[] jpeg = TestImages.jpeg(photo);
        ok(s, "jpeg-baseline", jpeg, "image/jpeg");
        ok(s, "jpeg-progressive", TestImages.jpeg(photo, 0.9f, true), "image/jpeg");
        ok(s, "jpeg-low-quality", TestImages.jpeg(photo, 0.05f, false), "image/jpeg");
        BufferedImage gray = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        gray.getGraphics().drawImage(photo, 0, 0, null);
        ok(s, "jpeg-gray", TestImages.jpeg(gray), "image/jpeg");
        ok(s, "jpeg-cmyk-adobe", TestImages.jpeg4(16, 16, new int[] {55, 205, 255, 235}, 0), "image/jpeg");
        ok(s, "jpeg-ycck-adobe", TestImages.jpeg4(16, 16, new int[] {166, 178, 49, 235}, 2), "image/jpeg");
        ok(
                s,
                "jpeg-icc-srgb",
                TestImages.insertSegment(jpeg, 0xe2, TestImages.iccApp2(TestImages.srgbProfile())),
                "image/jpeg");
        byte[] brokenIcc = new byte[600];
        new Random(7).nextBytes(brokenIcc);
        ok(s, "jpeg-icc-garbage", TestImages.insertSegment(jpeg, 0xe2, TestImages.iccApp2(brokenIcc)), "image/jpeg");
        for (int o = 1; o <= 8; o++) {
            ok(
                    s,
                    "jpeg-exif-orientation-" + o,
                    TestImages.insertSegment(jpeg, 0xe1, TestImages.exifPayload(o, o % 2 == 0)),
                    "image/jpeg");
        }
        ok(
                s,
                "jpeg-exif-garbage",
                TestImages.insertSegment(
                        jpeg, 0xe1, "Exif\0\0II*\0\u00ff\u00ff\u00ff\u007f".getBytes(StandardCharsets.ISO_8859_1)),
                "image/jpeg");
        ok(
                s,
                "jpeg-comment",
                TestImages.insertSegment(jpeg, 0xfe, "made by a test".getBytes(StandardCharsets.UTF_8)),
                "image/jpeg");
        byte[] segments = jpeg;
        for (int i = 0; i < 40; i++) {
            segments = TestImages.insertSegment(
                    segments, i % 2 == 0 ? 0xfe : 0xe3 + i % 10, ("segment " + i).getBytes(StandardCharsets.US_ASCII));
        }
        // issue 10: legal fill bytes before the markers plus dozens of COM and APPn segments were refused
        ok(s, "jpeg-fill-bytes-many-segments", TestImages.withFillBytes(segments, 3), "image/jpeg");
        ok(s, "jpeg-1x1", TestImages.jpeg(TestImages.pattern(1, 1)), "image/jpeg");
        ok(s, "jpeg-declared-as-png", jpeg, "image/png");
        ok(s, "jpeg-declared-octet-stream", jpeg, "application/octet-stream");

        BufferedImage small = TestImages.pattern(23, 17);
        ok(
                s,
                "png-rgb8",
                new TestImages.Png(23, 17, 2, 8)
                        .samples(TestImages.rgbSamples(small, 3, 8))
                        .build(),
                "image/png");
        ok(
                s,
                "png-rgba8",
                new TestImages.Png(23, 17, 6, 8)
                        .samples(TestImages.rgbSamples(small, 4, 8))
                        .build(),
                "image/png");
        ok(
                s,
                "png-gray8",
                new TestImages.Png(23, 17, 0, 8)
                        .samples(TestImages.rgbSamples(small, 1, 8))
                        .build(),
                "image/png");
        ok(
                s,
                "png-gray-alpha8",
                new TestImages.Png(23, 17, 4, 8)
                        .samples(TestImages.rgbSamples(small, 2, 8))
                        .build(),
                "image/png");
        ok(
                s,
                "png-rgb16",
                new TestImages.Png(23, 17, 2, 16)
                        .samples(TestImages.rgbSamples(small, 3, 16))
                        .build(),
                "image/png");
        ok(
                s,
                "png-rgba16",
                new TestImages.Png(23, 17, 6, 16)
                        .samples(TestImages.rgbSamples(small, 4, 16))
                        .build(),
                "image/png");
        ok(
                s,
                "png-gray16",
                new TestImages.Png(23, 17, 0, 16)
                        .samples(TestImages.rgbSamples(small, 1, 16))
                        .build(),
                "image/png");
        ok(
                s,
                "png-gray-alpha16",
                new TestImages.Png(23, 17, 4, 16)
                        .samples(TestImages.rgbSamples(small, 2, 16))
                        .build(),
                "image/png");
        ok(
                s,
                "png-gray1",
                new TestImages.Png(23, 17, 0, 1)
                        .samples(TestImages.rgbSamples(small, 1, 1))
                        .build(),
                "image/png");
        ok(
                s,
                "png-gray2",
                new TestImages.Png(23, 17, 0, 2)
                        .samples(TestImages.rgbSamples(small, 1, 2))
                        .build(),
                "image/png");
        ok(
                s,
                "png-gray4",
                new TestImages.Png(23, 17, 0, 4)
                        .samples(TestImages.rgbSamples(small, 1, 4))
                        .build(),
                "image/png");
        int[] indices = new int[23 * 17];
        Arrays.setAll(indices, i -> i % 4);
        ok(
                s,
                "png-palette8",
                new TestImages.Png(23, 17, 3, 8)
                        .samples(indices)
                        .palette(0xff0000, 0x00ff00, 0x0000ff, 0x808080)
                        .build(),
                "image/png");
        ok(
                s,
                "png-palette-trns",
                new TestImages.Png(23, 17, 3, 8)
                        .samples(indices)
                        .palette(0xff0000, 0x00ff00, 0x0000ff, 0x808080)
                        .trns(new byte[] {0, (byte) 128})
                        .build(),
                "image/png");
        ok(
                s,
                "png-palette4",
                new TestImages.Png(23, 17, 3, 4)
                        .samples(indices)
                        .palette(0xff0000, 0x00ff00, 0x0000ff, 0x808080)
                        .build(),
                "image/png");
        ok(
                s,
                "png-palette2-trns",
                new TestImages.Png(23, 17, 3, 2)
                        .samples(indices)
                        .palette(0xff0000, 0x00ff00, 0x0000ff, 0x808080)
                        .trns(new byte[] {0})
                        .build(),
                "image/png");
        ok(
                s,
                "png-interlaced-rgb8",
                new TestImages.Png(23, 17, 2, 8)
                        .samples(TestImages.rgbSamples(small, 3, 8))
                        .interlaced()
                        .build(),
                "image/png");
        ok(
                s,
                "png-interlaced-rgba16",
                new TestImages.Png(23, 17, 6, 16)
                        .samples(TestImages.rgbSamples(small, 4, 16))
                        .interlaced()
                        .build(),
                "image/png");
        ok(
                s,
                "png-1x1",
                new TestImages.Png(1, 1, 2, 8).samples(new int[] {10, 200, 30}).build(),
                "image/png");
        ok(
                s,
                "png-5000x3",
                new TestImages.Png(5000, 3, 2, 8)
                        .samples(TestImages.rgbSamples(TestImages.pattern(5000, 3), 3, 8))
                        .build(),
                "image/png");
        ok(
                s,
                "png-3x5000",
                new TestImages.Png(3, 5000, 0, 8)
                        .samples(TestImages.rgbSamples(TestImages.pattern(3, 5000), 1, 8))
                        .build(),
                "image/png");
        ok(
                s,
                "png-exif-orientation-6",
                new TestImages.Png(23, 17, 2, 8)
                        .samples(TestImages.rgbSamples(small, 3, 8))
                        .chunkBeforeData("eXIf", TestImages.exifTiff(6, false))
                        .build(),
                "image/png");
        ok(
                s,
                "png-text-chunks",
                new TestImages.Png(23, 17, 2, 8)
                        .samples(TestImages.rgbSamples(small, 3, 8))
                        .chunkBeforeData("tEXt", "Comment\0hello".getBytes(StandardCharsets.ISO_8859_1))
                        .chunkAfterData("tEXt", "Author\0test".getBytes(StandardCharsets.ISO_8859_1))
                        .build(),
                "image/png");
        // zTXt / iCCP that inflate to 64 MiB (16 x the metadata budget) from ~64 KB: dropped unread
        byte[] zeros64m = TestImages.deflatedZeros(64L << 20);
        ok(
                s,
                "png-ztxt-inflation-bomb",
                new TestImages.Png(23, 17, 3, 8)
                        .samples(indices)
                        .palette(0xff0000, 0x00ff00, 0x0000ff, 0x808080)
                        .chunkBeforeData("zTXt", concat("Comment\0\0".getBytes(StandardCharsets.ISO_8859_1), zeros64m))
                        .build(),
                "image/png");
        ok(
                s,
                "png-iccp-inflation-bomb",
                new TestImages.Png(23, 17, 3, 8)
                        .samples(indices)
                        .palette(0xff0000, 0x00ff00, 0x0000ff, 0x808080)
                        .chunkBeforeData("iCCP", concat("icc\0\0".getBytes(StandardCharsets.ISO_8859_1), zeros64m))
                        .build(),
                "image/png");

        int[] pal = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};
        ok(s, "gif-static", TestImages.write(TestImages.indexed(30, 20, pal, -1, -1), "gif"), "image/gif");
        ok(s, "gif-transparent", TestImages.write(TestImages.indexed(30, 20, pal, 0, -1), "gif"), "image/gif");
        ok(
                s,
                "gif-animated",
                TestImages.animatedGif(TestImages.indexed(30, 20, pal, -1, 0), TestImages.indexed(30, 20, pal, -1, 2)),
                "image/gif");
        ok(s, "gif-1x1", TestImages.write(TestImages.indexed(1, 1, pal, -1, 1), "gif"), "image/gif");

        ok(s, "bmp-24-bottom-up", TestImages.bmp24(small, false), "image/bmp");
        ok(s, "bmp-24-top-down", TestImages.bmp24(small, true), "image/bmp");
        ok(s, "bmp-8-palette", TestImages.write(TestImages.indexed(30, 20, pal, -1, -1), "bmp"), "image/bmp");

        int red = 0xff0000;
        int blue = 0x0000ff;
        ok(s, "webp-lossless-1x1", TestImages.webpLossless(1, 1, new int[] {0x10ff20}, 0), "image/webp");
        ok(
                s,
                "webp-lossless-4x2",
                TestImages.webpLossless(4, 2, new int[] {red, red, blue, blue, blue, blue, red, red}, 0),
                "image/webp");
        ok(
                s,
                "webp-extended-exif-6",
                TestImages.webpLossless(4, 2, new int[] {red, red, blue, blue, blue, blue, red, red}, 6),
                "image/webp");
    }

    private static void hostile(List<Sample> s) {
        BufferedImage photo = TestImages.pattern(96, 64);
        byte[] jpeg = TestImages.jpeg(photo);
        byte[] progressive = TestImages.jpeg(photo, 0.9f, true);
        BufferedImage small = TestImages.pattern(23, 17);
        byte[] png = new TestImages.Png(23, 17, 2, 8)
                .samples(TestImages.rgbSamples(small, 3, 8))
                .build();
        byte[] gif = TestImages.write(TestImages.indexed(30, 20, new int[] {0, 0xffffff}, -1, -1), "gif");
        byte[] bmp = TestImages.bmp24(small, false);

        bad(s, "empty", new byte[0], "image/jpeg", Reason.EMPTY);
        bad(
                s,
                "html",
                text("<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>"),
                "image/png",
                Reason.UNSUPPORTED_FORMAT);
        bad(
                s,
                "svg",
                text("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
                        + "height=\"10\"><rect width=\"10\" height=\"10\"/></svg>"),
                "image/svg+xml",
                Reason.UNSUPPORTED_FORMAT);
        bad(
                s,
                "pdf",
                text("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"),
                "application/pdf",
                Reason.UNSUPPORTED_FORMAT);
        bad(s, "text", text("just some words, no picture here"), "text/plain", Reason.UNSUPPORTED_FORMAT);
        bad(
                s,
                "text-starting-BM",
                text("BMW is a car, not a bitmap header at all."),
                "image/bmp",
                Reason.UNSUPPORTED_FORMAT);
        byte[] elf = new byte[64];
        System.arraycopy(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, 0, elf, 0, 7);
        bad(s, "elf", elf, "image/jpeg", Reason.UNSUPPORTED_FORMAT);
        byte[] pe = new byte[128];
        pe[0] = 'M';
        pe[1] = 'Z';
        bad(s, "pe-exe", pe, "image/png", Reason.UNSUPPORTED_FORMAT);
        bad(s, "zip", concat(new byte[] {'P', 'K', 3, 4}, new byte[60]), "image/png", Reason.UNSUPPORTED_FORMAT);
        bad(
                s,
                "riff-wave",
                concat(text("RIFF\u0024\0\0\0WAVEfmt "), new byte[32]),
                "image/webp",
                Reason.UNSUPPORTED_FORMAT);
        bad(
                s,
                "tiff",
                concat(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0}, new byte[32]),
                "image/tiff",
                Reason.UNSUPPORTED_FORMAT);
        byte[] random = new byte[4096];
        new Random(42).nextBytes(random);
        random[0] = 0x13; // not the first byte of any signature
        bad(s, "random-bytes", random, "image/jpeg", Reason.UNSUPPORTED_FORMAT);

        bad(s, "jpeg-magic-only", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff}, "image/jpeg", Reason.UNDECODABLE);
        bad(s, "jpeg-truncated-half", Arrays.copyOf(jpeg, jpeg.length / 2), "image/jpeg", Reason.UNDECODABLE);
        bad(s, "jpeg-truncated-end", Arrays.copyOf(jpeg, jpeg.length - 40), "image/jpeg", Reason.UNDECODABLE);
        bad(s, "jpeg-truncated-header", Arrays.copyOf(jpeg, 120), "image/jpeg", Reason.UNDECODABLE);
        bad(
                s,
                "jpeg-progressive-truncated",
                Arrays.copyOf(progressive, progressive.length * 2 / 3),
                "image/jpeg",
                Reason.UNDECODABLE);
        bad(s, "jpeg-sof-zero-height", sofPatched(jpeg, 0, 96), "image/jpeg", Reason.UNDECODABLE);
        bad(s, "jpeg-bomb-65500x65500", sofPatched(jpeg, 65500, 65500), "image/jpeg", Reason.TOO_LARGE);
        bad(
                s,
                "jpeg-progressive-500-scans",
                TestImages.withExtraScans(progressive, 500),
                "image/jpeg",
                Reason.BUDGET_EXCEEDED);
        byte[] bigApp = new byte[65000];
        byte[] meta = jpeg;
        for (int i = 0; i < 70; i++) {
            meta = TestImages.insertSegment(meta, 0xe1 + (i % 13), bigApp);
        }
        bad(s, "jpeg-4.5mb-metadata", meta, "image/jpeg", Reason.BUDGET_EXCEEDED);

        bad(s, "png-signature-only", Arrays.copyOf(png, 8), "image/png", Reason.UNDECODABLE);
        bad(s, "png-truncated-half", Arrays.copyOf(png, png.length / 2), "image/png", Reason.UNDECODABLE);
        bad(s, "png-truncated-end", Arrays.copyOf(png, png.length - 20), "image/png", Reason.UNDECODABLE);
        byte[] badCrc = png.clone();
        badCrc[29] ^= 0x55; // inside IHDR's CRC
        bad(s, "png-bad-crc", badCrc, "image/png", Reason.UNDECODABLE);
        byte[] badData = png.clone();
        badData[png.length - 30] ^= 0x01; // IDAT payload changed, CRC left stale
        bad(s, "png-bad-idat-crc", badData, "image/png", Reason.UNDECODABLE);
        byte[] garbage = new byte[300];
        new Random(3).nextBytes(garbage);
        bad(
                s,
                "png-corrupt-zlib",
                new TestImages.Png(23, 17, 2, 8).idat(garbage).build(),
                "image/png",
                Reason.UNDECODABLE);
        byte[] shortData = TestImages.deflate(new byte[100]);
        bad(
                s,
                "png-too-little-data",
                new TestImages.Png(23, 17, 2, 8).idat(shortData).build(),
                "image/png",
                Reason.UNDECODABLE);
        bad(
                s,
                "png-zero-width",
                new TestImages.Png(0, 17, 2, 8).idat(shortData).build(),
                "image/png",
                Reason.UNDECODABLE);
        bad(
                s,
                "png-bomb-100000x100000",
                new TestImages.Png(100_000, 100_000, 2, 8).idat(shortData).build(),
                "image/png",
                Reason.TOO_LARGE);
        bad(
                s,
                "png-bomb-19000x19000",
                new TestImages.Png(19_000, 19_000, 6, 16).idat(shortData).build(),
                "image/png",
                Reason.TOO_LARGE);
        bad(
                s,
                "png-bomb-2147483647x1",
                new TestImages.Png(Integer.MAX_VALUE, 1, 0, 8).idat(shortData).build(),
                "image/png",
                Reason.TOO_LARGE);
        byte[] fiveMb = new byte[5 << 20];
        new Random(5).nextBytes(fiveMb);
        bad(
                s,
                "png-giant-ztxt",
                new TestImages.Png(23, 17, 2, 8)
                        .samples(TestImages.rgbSamples(small, 3, 8))
                        .chunkBeforeData("zTXt", fiveMb)
                        .build(),
                "image/png",
                Reason.BUDGET_EXCEEDED);
        bad(
                s,
                "png-giant-iccp",
                new TestImages.Png(23, 17, 2, 8)
                        .samples(TestImages.rgbSamples(small, 3, 8))
                        .chunkBeforeData("iCCP", fiveMb)
                        .build(),
                "image/png",
                Reason.BUDGET_EXCEEDED);

        bad(s, "gif-magic-only", text("GIF89a"), "image/gif", Reason.UNDECODABLE);
        bad(s, "gif-truncated", Arrays.copyOf(gif, gif.length * 2 / 3), "image/gif", Reason.UNDECODABLE);
        bad(
                s,
                "gif-bomb-65535x65535",
                TestImages.gifClaiming(65535, 65535, 65535, 65535),
                "image/gif",
                Reason.TOO_LARGE);
        bad(s, "gif-frame-bomb", TestImages.gifClaiming(10, 10, 65535, 65535), "image/gif", Reason.TOO_LARGE);

        bad(s, "bmp-truncated", Arrays.copyOf(bmp, bmp.length / 2), "image/bmp", Reason.UNDECODABLE);
        byte[] bmpNegativeOffset = bmp.clone();
        TestImages.le32(bmpNegativeOffset, 10, -100);
        bad(s, "bmp-negative-data-offset", bmpNegativeOffset, "image/bmp", Reason.UNDECODABLE);
        byte[] bmpBomb = bmp.clone();
        TestImages.le32(bmpBomb, 18, 100_000);
        TestImages.le32(bmpBomb, 22, 100_000);
        bad(s, "bmp-bomb-100000x100000", bmpBomb, "image/bmp", Reason.TOO_LARGE);

        byte[] webp = TestImages.webpLossless(4, 2, new int[] {0xff0000, 0xff0000, 0xff, 0xff, 0xff, 0xff, 0, 0}, 0);
        bad(s, "webp-truncated", Arrays.copyOf(webp, webp.length - 4), "image/webp", Reason.UNDECODABLE);
        byte[] webpBomb = webp.clone();
        // VP8L header bits after the 0x2f signature: 14 bits width-1, 14 bits height-1 = 16383 each
        int bits = 16383 | 16383 << 14;
        TestImages.le32(webpBomb, 21, bits | (webpBomb[24] & 0xf0) << 24);
        bad(s, "webp-bomb-16384x16384", webpBomb, "image/webp", Reason.TOO_LARGE);
    }

    /**
     * A flat 8-bit RGBA PNG of one colour (0xRRGGBB, opaque): a few hundred KB on the wire however large, and
     * {@code 4 * width * height} bytes as a raster. Written row by row, so even 40 megapixels cost little to make.
     */
    public static byte[] flatRgbaPng(int width, int height, int rgb) {
        java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
        byte[] row = new byte[1 + 4 * width]; // filter type 0, then RGBA
        for (int x = 0; x < width; x++) {
            row[1 + 4 * x] = (byte) (rgb >> 16);
            row[2 + 4 * x] = (byte) (rgb >> 8);
            row[3 + 4 * x] = (byte) rgb;
            row[4 + 4 * x] = (byte) 255;
        }
        try (java.util.zip.DeflaterOutputStream z =
                new java.util.zip.DeflaterOutputStream(idat, new java.util.zip.Deflater(9), 1 << 16)) {
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[] ihdr = new byte[13];
        TestImages.be32(ihdr, 0, width);
        TestImages.be32(ihdr, 4, height);
        ihdr[8] = 8;
        ihdr[9] = 6;
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        png.writeBytes(TestImages.chunk("IHDR", ihdr));
        png.writeBytes(TestImages.chunk("IDAT", idat.toByteArray()));
        png.writeBytes(TestImages.chunk("IEND", new byte[0]));
        return png.toByteArray();
    }

    /** The JPEG with its SOF0 height and width replaced. */
    private static byte[] sofPatched(byte[] jpeg, int height, int width) {
        byte[] b = jpeg.clone();
        for (int i = 2; i < b.length - 9; i++) {
            if (b[i] == (byte) 0xff && b[i + 1] == (byte) 0xc0) {
                b[i + 5] = (byte) (height >> 8);
                b[i + 6] = (byte) height;
                b[i + 7] = (byte) (width >> 8);
                b[i + 8] = (byte) width;
                return b;
            }
        }
        throw new IllegalStateException("no SOF0");
    }

    private static byte[] text(String t) {
        return t.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void ok(List<Sample> s, String name, byte[] bytes, String type) {
        s.add(new Sample(name, bytes, type, null));
    }

    private static void bad(List<Sample> s, String name, byte[] bytes, String type, Reason reason) {
        s.add(new Sample(name, bytes, type, reason));
    }
}
