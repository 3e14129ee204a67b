package dev.inceptionclassifier.support;

import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The images the tests make themselves, all in memory: photo-like pictures for the service tests, and encoders for the
 * decoder tests: JPEG (via ImageIO, plus hand-made segments), a PNG encoder with full control over chunks, bit depths
 * and Adam7 interlacing, GIF (ImageIO), BMP and lossless WebP (VP8L, for images with at most two values per channel)
 * written byte by byte.
 */
public final class TestImages {

    private TestImages() {}

    // ---------- pixels ----------

    /**
     * A photo-like picture: smooth gradients with some structure; {@code variant} gives another picture of the same
     * kind. The bytes of {@link #jpeg(int, int, int)} and {@link #png(int, int, int)} are stable for a given JDK.
     */
    public static BufferedImage picture(int width, int height, int variant) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (int) (127.5 + 127.5 * Math.sin(0.03 * x + 0.011 * y + variant));
                int g = (int) (127.5 + 127.5 * Math.sin(0.017 * x - 0.029 * y + 2 * variant));
                int b = ((x / 16 + y / 16 + variant) % 2) * 200 + 20;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** {@link #picture} as a JPEG at ImageIO's default quality (0.75). */
    public static byte[] jpeg(int width, int height, int variant) {
        return write(picture(width, height, variant), "jpg");
    }

    /** {@link #picture} as a PNG. */
    public static byte[] png(int width, int height, int variant) {
        return write(picture(width, height, variant), "png");
    }

    /** One flat colour (0xRRGGBB), for tests whose model reacts to a colour. */
    public static BufferedImage solid(int width, int height, int rgb) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** A smooth RGB pattern with some texture, as packed 0xRRGGBB. */
    public static BufferedImage pattern(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / Math.max(1, w - 1)) & 0xff;
                int g = (y * 255 / Math.max(1, h - 1)) & 0xff;
                int b = ((x + y) * 4) & 0xff;
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    /** Four flat quadrants: top-left, top-right, bottom-left, bottom-right colours (0xRRGGBB). */
    public static BufferedImage quadrants(int w, int h, int tl, int tr, int bl, int br) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean right = x >= w / 2;
                boolean bottom = y >= h / 2;
                img.setRGB(x, y, bottom ? (right ? br : bl) : (right ? tr : tl));
            }
        }
        return img;
    }

    // ---------- JPEG ----------

    public static byte[] jpeg(BufferedImage img, float quality, boolean progressive) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bo)) {
                writer.setOutput(out);
                ImageWriteParam p = writer.getDefaultWriteParam();
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(quality);
                if (progressive) {
                    p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
                }
                writer.write(null, new IIOImage(img, null, null), p);
            } finally {
                writer.dispose();
            }
            return bo.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] jpeg(BufferedImage img) {
        return jpeg(img, 0.92f, false);
    }

    /** A 4-component JPEG of raw component values (no colour transform) with an Adobe APP14 segment. */
    public static byte[] jpeg4(int w, int h, int[] components, int adobeTransform) {
        WritableRaster ras = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ras.setPixel(x, y, components);
            }
        }
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bo)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(ras, null, null), null);
            } finally {
                writer.dispose();
            }
            byte[] adobe = new byte[12];
            System.arraycopy("Adobe".getBytes(StandardCharsets.US_ASCII), 0, adobe, 0, 5);
            adobe[6] = 100;
            adobe[11] = (byte) adobeTransform;
            return insertSegment(bo.toByteArray(), 0xee, adobe);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The JPEG with {@code n} fill bytes (0xFF, legal before any marker) before every marker segment up to the first
     * SOS and before EOI.
     */
    public static byte[] withFillBytes(byte[] jpeg, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + 64 * n);
        out.write(jpeg, 0, 2);
        int pos = 2;
        while (true) {
            int marker = jpeg[pos + 1] & 0xff;
            int len = (jpeg[pos + 2] & 0xff) << 8 | jpeg[pos + 3] & 0xff;
            for (int i = 0; i < n; i++) {
                out.write(0xff);
            }
            if (marker == 0xda) {
                out.write(jpeg, pos, jpeg.length - 2 - pos);
                for (int i = 0; i < n; i++) {
                    out.write(0xff);
                }
                out.write(jpeg, jpeg.length - 2, 2);
                return out.toByteArray();
            }
            out.write(jpeg, pos, 2 + len);
            pos += 2 + len;
        }
    }

    /** Inserts a marker segment right after SOI. */
    public static byte[] insertSegment(byte[] jpeg, int marker, byte[] payload) {
        if (payload.length > 65533) {
            throw new IllegalArgumentException("segment too long");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + payload.length + 4);
        out.write(jpeg, 0, 2);
        out.write(0xff);
        out.write(marker);
        out.write((payload.length + 2) >> 8);
        out.write((payload.length + 2) & 0xff);
        out.writeBytes(payload);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** An APP1 payload "Exif\0\0" + a TIFF IFD0 holding just the orientation tag. */
    public static byte[] exifPayload(int orientation, boolean littleEndian) {
        byte[] tiff = exifTiff(orientation, littleEndian);
        byte[] out = new byte[6 + tiff.length];
        System.arraycopy("Exif".getBytes(StandardCharsets.US_ASCII), 0, out, 0, 4);
        System.arraycopy(tiff, 0, out, 6, tiff.length);
        return out;
    }

    /** A TIFF structure (as in PNG eXIf) with IFD0 = {ImageWidth dummy, Orientation}. */
    public static byte[] exifTiff(int orientation, boolean le) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        if (le) {
            o.writeBytes(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0});
        } else {
            o.writeBytes(new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8});
        }
        u16(o, 2, le);
        // a preceding tag, so the parser has to walk the directory
        u16(o, 0x010f, le); // Make, ASCII, count 4, inline "Tst\0"
        u16(o, 2, le);
        u32(o, 4, le);
        o.writeBytes(new byte[] {'T', 's', 't', 0});
        u16(o, 0x0112, le);
        u16(o, 3, le);
        u32(o, 1, le);
        u16(o, orientation, le);
        u16(o, 0, le);
        u32(o, 0, le); // no next IFD
        return o.toByteArray();
    }

    private static void u16(ByteArrayOutputStream o, int v, boolean le) {
        if (le) {
            o.write(v & 0xff);
            o.write(v >> 8 & 0xff);
        } else {
            o.write(v >> 8 & 0xff);
            o.write(v & 0xff);
        }
    }

    private static void u32(ByteArrayOutputStream o, int v, boolean le) {
        if (le) {
            u16(o, v & 0xffff, true);
            u16(o, v >>> 16, true);
        } else {
            u16(o, v >>> 16, false);
            u16(o, v & 0xffff, false);
        }
    }

    /** ICC profile payloads for APP2 (the standard "ICC_PROFILE\0" + sequence number + count). */
    public static byte[] iccApp2(byte[] profile) {
        byte[] out = new byte[14 + profile.length];
        System.arraycopy("ICC_PROFILE".getBytes(StandardCharsets.US_ASCII), 0, out, 0, 11);
        out[12] = 1;
        out[13] = 1;
        System.arraycopy(profile, 0, out, 14, profile.length);
        return out;
    }

    public static byte[] srgbProfile() {
        return ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_sRGB).getData();
    }

    /** Repeats the last scan (SOS header and data) of a progressive JPEG until it has {@code scans} scans. */
    public static byte[] withExtraScans(byte[] progressive, int extra) {
        int eoi = progressive.length - 2;
        int lastSos = -1;
        for (int i = 2; i < eoi; i++) {
            if (progressive[i] == (byte) 0xff && progressive[i + 1] == (byte) 0xda) {
                lastSos = i;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(progressive, 0, eoi);
        for (int i = 0; i < extra; i++) {
            out.write(progressive, lastSos, eoi - lastSos);
        }
        out.write(0xff);
        out.write(0xd9);
        return out.toByteArray();
    }

    // ---------- PNG ----------

    /** A PNG encoder with control over everything a hostile or odd file may contain. */
    public static final class Png {
        private final int width;
        private final int height;
        private final int colorType;
        private final int bitDepth;
        private int[] samples;
        private boolean interlaced;
        private byte[] plte;
        private byte[] trns;
        private final List<byte[]> before = new ArrayList<>();
        private final List<byte[]> after = new ArrayList<>();
        private byte[] idatOverride;

        public Png(int width, int height, int colorType, int bitDepth) {
            this.width = width;
            this.height = height;
            this.colorType = colorType;
            this.bitDepth = bitDepth;
        }

        public int channels() {
            return switch (colorType) {
                case 0, 3 -> 1;
                case 2 -> 3;
                case 4 -> 2;
                case 6 -> 4;
                default -> throw new IllegalArgumentException();
            };
        }

        /** Samples per pixel interleaved, row-major, at the bit depth. */
        public Png samples(int[] s) {
            this.samples = s;
            return this;
        }

        public Png interlaced() {
            this.interlaced = true;
            return this;
        }

        public Png palette(int... rgb) {
            plte = new byte[rgb.length * 3];
            for (int i = 0; i < rgb.length; i++) {
                plte[3 * i] = (byte) (rgb[i] >> 16);
                plte[3 * i + 1] = (byte) (rgb[i] >> 8);
                plte[3 * i + 2] = (byte) rgb[i];
            }
            return this;
        }

        public Png trns(byte[] t) {
            this.trns = t;
            return this;
        }

        public Png chunkBeforeData(String type, byte[] data) {
            before.add(chunk(type, data));
            return this;
        }

        public Png chunkAfterData(String type, byte[] data) {
            after.add(chunk(type, data));
            return this;
        }

        public Png idat(byte[] raw) {
            this.idatOverride = raw;
            return this;
        }

        public byte[] build() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            byte[] ihdr = new byte[13];
            be32(ihdr, 0, width);
            be32(ihdr, 4, height);
            ihdr[8] = (byte) bitDepth;
            ihdr[9] = (byte) colorType;
            ihdr[12] = (byte) (interlaced ? 1 : 0);
            out.writeBytes(chunk("IHDR", ihdr));
            before.forEach(out::writeBytes);
            if (plte != null) {
                out.writeBytes(chunk("PLTE", plte));
            }
            if (trns != null) {
                out.writeBytes(chunk("tRNS", trns));
            }
            out.writeBytes(chunk("IDAT", idatOverride != null ? idatOverride : deflate(scanlines())));
            after.forEach(out::writeBytes);
            out.writeBytes(chunk("IEND", new byte[0]));
            return out.toByteArray();
        }

        private byte[] scanlines() {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            if (!interlaced) {
                pass(raw, 0, 0, 1, 1);
            } else {
                int[][] adam7 = {
                    {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}
                };
                for (int[] p : adam7) {
                    pass(raw, p[0], p[1], p[2], p[3]);
                }
            }
            return raw.toByteArray();
        }

        private void pass(ByteArrayOutputStream raw, int x0, int y0, int dx, int dy) {
            int c = channels();
            if (x0 >= width || y0 >= height) {
                return;
            }
            for (int y = y0; y < height; y += dy) {
                raw.write(0); // filter: none
                int acc = 0;
                int nbits = 0;
                for (int x = x0; x < width; x += dx) {
                    for (int k = 0; k < c; k++) {
                        int v = samples[(y * width + x) * c + k];
                        if (bitDepth == 16) {
                            raw.write(v >> 8);
                            raw.write(v & 0xff);
                        } else if (bitDepth == 8) {
                            raw.write(v);
                        } else {
                            acc = acc << bitDepth | v;
                            nbits += bitDepth;
                            if (nbits == 8) {
                                raw.write(acc);
                                acc = 0;
                                nbits = 0;
                            }
                        }
                    }
                }
                if (nbits > 0) {
                    raw.write(acc << (8 - nbits));
                }
            }
        }
    }

    public static byte[] chunk(String type, byte[] data) {
        byte[] c = new byte[12 + data.length];
        be32(c, 0, data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, c, 4, 4);
        System.arraycopy(data, 0, c, 8, data.length);
        CRC32 crc = new CRC32();
        crc.update(c, 4, 4 + data.length);
        be32(c, 8 + data.length, (int) crc.getValue());
        return c;
    }

    public static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** zlib stream of {@code n} zero bytes, produced without holding them all. */
    public static byte[] deflatedZeros(long n) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        long left = n;
        while (left > 0) {
            int len = (int) Math.min(zeros.length, left);
            d.setInput(zeros, 0, len);
            left -= len;
            while (!d.needsInput()) {
                out.write(buf, 0, d.deflate(buf));
            }
        }
        d.finish();
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    public static void be32(byte[] b, int pos, int v) {
        b[pos] = (byte) (v >>> 24);
        b[pos + 1] = (byte) (v >>> 16);
        b[pos + 2] = (byte) (v >>> 8);
        b[pos + 3] = (byte) v;
    }

    /** Samples of an RGB image as 0..255 ints, scaled to {@code bits}. */
    public static int[] rgbSamples(BufferedImage img, int channels, int bits) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] s = new int[w * h * channels];
        int max = (1 << bits) - 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int[] v = {rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff};
                int i = (y * w + x) * channels;
                if (channels >= 3) {
                    for (int k = 0; k < 3; k++) {
                        s[i + k] = v[k] * max / 255;
                    }
                    if (channels == 4) {
                        s[i + 3] = (x * 37) % (max + 1);
                    }
                } else {
                    s[i] = v[1] * max / 255;
                    if (channels == 2) {
                        s[i + 1] = (x * 37) % (max + 1);
                    }
                }
            }
        }
        return s;
    }

    // ---------- GIF ----------

    public static BufferedImage indexed(int w, int h, int[] palette, int transparentIndex, int colorIndex) {
        byte[] r = new byte[palette.length];
        byte[] g = new byte[palette.length];
        byte[] b = new byte[palette.length];
        for (int i = 0; i < palette.length; i++) {
            r[i] = (byte) (palette[i] >> 16);
            g[i] = (byte) (palette[i] >> 8);
            b[i] = (byte) palette[i];
        }
        IndexColorModel icm = transparentIndex >= 0
                ? new IndexColorModel(8, palette.length, r, g, b, transparentIndex)
                : new IndexColorModel(8, palette.length, r, g, b);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, icm);
        WritableRaster ras = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ras.setSample(x, y, 0, colorIndex >= 0 ? colorIndex : (x / 4 + y / 4) % palette.length);
            }
        }
        return img;
    }

    public static byte[] write(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, bo)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return bo.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An animated GIF with the given frames. */
    public static byte[] animatedGif(BufferedImage... frames) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bo)) {
                writer.setOutput(out);
                writer.prepareWriteSequence(null);
                for (BufferedImage f : frames) {
                    // default metadata: the writer derives a local colour table from the frame's palette
                    writer.writeToSequence(new IIOImage(f, null, null), null);
                }
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
            return bo.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A GIF header and image descriptor claiming the given sizes, with a token body. */
    public static byte[] gifClaiming(int screenW, int screenH, int frameW, int frameH) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(new byte[] {
            (byte) screenW, (byte) (screenW >> 8), (byte) screenH, (byte) (screenH >> 8), (byte) 0x80, 0, 0
        });
        o.writeBytes(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255}); // 2-entry global palette
        o.writeBytes(new byte[] {
            0x2c, 0, 0, 0, 0, (byte) frameW, (byte) (frameW >> 8), (byte) frameH, (byte) (frameH >> 8), 0
        });
        o.writeBytes(new byte[] {2, 2, 0x4c, 0x01, 0, 0x3b});
        return o.toByteArray();
    }

    // ---------- BMP ----------

    /** A 24-bit BMP, bottom-up or (negative height) top-down. */
    public static byte[] bmp24(BufferedImage img, boolean topDown) {
        int w = img.getWidth();
        int h = img.getHeight();
        int stride = (w * 3 + 3) & ~3;
        byte[] b = new byte[54 + stride * h];
        b[0] = 'B';
        b[1] = 'M';
        le32(b, 2, b.length);
        le32(b, 10, 54);
        le32(b, 14, 40);
        le32(b, 18, w);
        le32(b, 22, topDown ? -h : h);
        b[26] = 1;
        b[28] = 24;
        le32(b, 34, stride * h);
        for (int y = 0; y < h; y++) {
            int row = topDown ? y : h - 1 - y;
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int p = 54 + row * stride + x * 3;
                b[p] = (byte) rgb;
                b[p + 1] = (byte) (rgb >> 8);
                b[p + 2] = (byte) (rgb >> 16);
            }
        }
        return b;
    }

    public static void le32(byte[] b, int pos, int v) {
        b[pos] = (byte) v;
        b[pos + 1] = (byte) (v >>> 8);
        b[pos + 2] = (byte) (v >>> 16);
        b[pos + 3] = (byte) (v >>> 24);
    }

    // ---------- WebP (lossless VP8L) ----------

    /**
     * A lossless WebP of packed 0xRRGGBB pixels, written with VP8L "simple" prefix codes, so each of R, G and B may
     * take at most two distinct values across the image (alpha is 255). With {@code exifOrientation > 0} it is an
     * extended (VP8X) file with an EXIF chunk.
     */
    public static byte[] webpLossless(int w, int h, int[] rgb, int exifOrientation) {
        BitWriter bw = new BitWriter();
        bw.write(0x2f, 8);
        bw.write(w - 1, 14);
        bw.write(h - 1, 14);
        bw.write(0, 1); // alpha hint
        bw.write(0, 3); // version
        bw.write(0, 1); // no transform
        bw.write(0, 1); // no colour cache
        bw.write(0, 1); // no meta prefix codes
        int[][] symbols = new int[4][];
        int[] shifts = {8, 16, 0}; // green, red, blue
        for (int c = 0; c < 3; c++) {
            int shift = shifts[c];
            symbols[c] = Arrays.stream(rgb)
                    .map(p -> p >> shift & 0xff)
                    .distinct()
                    .sorted()
                    .toArray();
            if (symbols[c].length > 2) {
                throw new IllegalArgumentException("at most two values per channel");
            }
            simpleCode(bw, symbols[c]);
        }
        simpleCode(bw, new int[] {255}); // alpha
        simpleCode(bw, new int[] {0}); // distance
        for (int p : rgb) {
            for (int c = 0; c < 3; c++) {
                if (symbols[c].length == 2) {
                    bw.write((p >> shifts[c] & 0xff) == symbols[c][0] ? 0 : 1, 1);
                }
            }
        }
        byte[] vp8l = bw.toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        if (exifOrientation > 0) {
            byte[] vp8x = new byte[10];
            vp8x[0] = 0x08; // EXIF present
            vp8x[4] = (byte) (w - 1);
            vp8x[5] = (byte) ((w - 1) >> 8);
            vp8x[7] = (byte) (h - 1);
            vp8x[8] = (byte) ((h - 1) >> 8);
            riffChunk(body, "VP8X", vp8x);
            riffChunk(body, "VP8L", vp8l);
            riffChunk(body, "EXIF", exifTiff(exifOrientation, true));
        } else {
            riffChunk(body, "VP8L", vp8l);
        }
        byte[] payload = body.toByteArray();
        byte[] out = new byte[8 + payload.length];
        System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, out, 0, 4);
        le32(out, 4, payload.length);
        System.arraycopy(payload, 0, out, 8, payload.length);
        return out;
    }

    private static void simpleCode(BitWriter bw, int[] syms) {
        bw.write(1, 1); // simple code
        bw.write(syms.length - 1, 1);
        bw.write(1, 1); // first symbol uses 8 bits
        bw.write(syms[0], 8);
        if (syms.length == 2) {
            bw.write(syms[1], 8);
        }
    }

    private static void riffChunk(ByteArrayOutputStream out, String fourcc, byte[] data) {
        out.writeBytes(fourcc.getBytes(StandardCharsets.US_ASCII));
        byte[] len = new byte[4];
        le32(len, 0, data.length);
        out.writeBytes(len);
        out.writeBytes(data);
        if ((data.length & 1) != 0) {
            out.write(0);
        }
    }

    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long acc;
        private int n;

        void write(int value, int bits) {
            acc |= (long) (value & ((1 << bits) - 1)) << n;
            n += bits;
            while (n >= 8) {
                out.write((int) (acc & 0xff));
                acc >>>= 8;
                n -= 8;
            }
        }

        byte[] toByteArray() {
            if (n > 0) {
                out.write((int) (acc & 0xff));
                acc = 0;
                n = 0;
            }
            return out.toByteArray();
        }
    }
}
