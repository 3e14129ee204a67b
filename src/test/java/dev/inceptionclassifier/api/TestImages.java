package dev.inceptionclassifier.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/** Photos made by the tests themselves: smooth gradients with some structure, encoded as real JPEG/PNG files. */
final class TestImages {

    private TestImages() {
    }

    static byte[] jpeg(int width, int height, int variant) {
        return encode(picture(width, height, variant), "jpg");
    }

    static byte[] png(int width, int height, int variant) {
        return encode(picture(width, height, variant), "png");
    }

    static BufferedImage picture(int width, int height, int variant) {
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

    static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
