package dev.inceptionclassifier.bench;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** The images the clients post, taken round-robin so that every size recurs evenly. */
final class ImageCorpus {

    /** Width and height of a generated image. */
    record Size(int width, int height) {
        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    /** One file to post. */
    record Image(String name, byte[] bytes, String contentType) {}

    /** Thumbnails to camera photos, landscape, portrait and an extreme aspect ratio. */
    static final List<Size> DEFAULT_SIZES = List.of(
            new Size(64, 64),
            new Size(299, 299),
            new Size(320, 240),
            new Size(500, 375),
            new Size(375, 500),
            new Size(640, 480),
            new Size(800, 600),
            new Size(1024, 768),
            new Size(1280, 720),
            new Size(1200, 300),
            new Size(1600, 1200),
            new Size(2048, 1536));

    private final List<Image> images;
    private final AtomicLong next = new AtomicLong();

    ImageCorpus(List<Image> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to post");
        }
        this.images = List.copyOf(images);
    }

    Image next() {
        return images.get((int) Math.floorMod(next.getAndIncrement(), (long) images.size()));
    }

    List<Image> images() {
        return images;
    }

    long totalBytes() {
        return images.stream().mapToLong(i -> i.bytes().length).sum();
    }

    /** Every image file directly in {@code dir}, by name. */
    static ImageCorpus fromFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--images " + dir + " is not a folder");
        }
        List<Image> images = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                String type = contentType(p.getFileName().toString());
                if (type != null) {
                    images.add(new Image(p.getFileName().toString(), Files.readAllBytes(p), type));
                }
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no .jpg/.jpeg/.png/.gif/.bmp/.webp files in " + dir);
        }
        return new ImageCorpus(images);
    }

    /**
     * Writes {@code count} JPEGs cycling through {@code sizes} into {@code dir} (kept when already there: the content
     * is a function of the index, so a rerun posts the same bytes) and loads them.
     */
    static ImageCorpus generate(Path dir, int count, List<Size> sizes) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            Size s = sizes.get(i % sizes.size());
            Path file = dir.resolve(String.format(Locale.ROOT, "img-%05d-%s.jpg", i, s));
            if (!Files.exists(file)) {
                Path tmp = dir.resolve(file.getFileName() + ".tmp");
                if (!ImageIO.write(picture(s.width(), s.height(), i), "jpg", tmp.toFile())) {
                    throw new IllegalStateException("the JDK has no JPEG writer");
                }
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Size s = sizes.get(i % sizes.size());
            Path file = dir.resolve(String.format(Locale.ROOT, "img-%05d-%s.jpg", i, s));
            images.add(new Image(file.getFileName().toString(), Files.readAllBytes(file), "image/jpeg"));
        }
        return new ImageCorpus(images);
    }

    /**
     * A photo-like picture: smooth gradients, a few shapes, and sensor-like noise, so that JPEG sizes and decode
     * costs resemble camera pictures rather than flat colour.
     */
    static BufferedImage picture(int width, int height, int variant) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        Random rnd = new Random(variant * 7919L + width * 31L + height);
        double fx = 2 * Math.PI * (1 + rnd.nextInt(4)) / width;
        double fy = 2 * Math.PI * (1 + rnd.nextInt(4)) / height;
        int cx = rnd.nextInt(width);
        int cy = rnd.nextInt(height);
        int radius = Math.max(2, Math.min(width, height) / (2 + rnd.nextInt(3)));
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int noise = rnd.nextInt(25) - 12;
                int r = clamp((int) (128 + 100 * Math.sin(fx * x + variant)) + noise);
                int g = clamp((int) (128 + 100 * Math.sin(fy * y - variant)) + noise);
                int b = clamp(((x / 24 + y / 24 + variant) & 1) * 120 + 60 + noise);
                long dx = x - cx;
                long dy = y - cy;
                if (dx * dx + dy * dy < (long) radius * radius) {
                    r = clamp(255 - r);
                    b = clamp(b / 2 + 100);
                }
                px[y * width + x] = (r << 16) | (g << 8) | b;
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    static String contentType(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (n.endsWith(".png")) {
            return "image/png";
        }
        if (n.endsWith(".gif")) {
            return "image/gif";
        }
        if (n.endsWith(".bmp")) {
            return "image/bmp";
        }
        if (n.endsWith(".webp")) {
            return "image/webp";
        }
        return null;
    }
}
