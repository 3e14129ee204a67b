package dev.inceptionclassifier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCorpusTests {

    @Test
    void generatesDecodableJpegsOfEverySizeAndReusesThem(@TempDir Path dir) throws Exception {
        List<ImageCorpus.Size> sizes =
                List.of(new ImageCorpus.Size(64, 48), new ImageCorpus.Size(17, 300), new ImageCorpus.Size(320, 240));
        ImageCorpus corpus = ImageCorpus.generate(dir, 5, sizes);
        assertThat(corpus.images()).hasSize(5);
        Set<String> seen = new HashSet<>();
        for (ImageCorpus.Image img : corpus.images()) {
            assertThat(img.contentType()).isEqualTo("image/jpeg");
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(img.bytes()));
            assertThat(decoded).as(img.name()).isNotNull();
            seen.add(decoded.getWidth() + "x" + decoded.getHeight());
        }
        assertThat(seen).containsExactlyInAnyOrder("64x48", "17x300", "320x240");

        Path first = dir.resolve(corpus.images().get(0).name());
        long modified = Files.getLastModifiedTime(first).toMillis();
        ImageCorpus again = ImageCorpus.generate(dir, 5, sizes);
        assertThat(Files.getLastModifiedTime(first).toMillis()).isEqualTo(modified);
        assertThat(again.images().get(4).bytes())
                .isEqualTo(corpus.images().get(4).bytes());
    }

    @Test
    void picturesAreNotFlat() throws Exception {
        // Photo-like content: a JPEG of it is far larger than one of a flat colour.
        ImageCorpus corpus =
                ImageCorpus.generate(Files.createTempDirectory("corpus"), 1, List.of(new ImageCorpus.Size(640, 480)));
        assertThat(corpus.images().get(0).bytes().length).isGreaterThan(40_000);
    }

    @Test
    void readsOnlyImagesFromAFolderAndCyclesThroughThem(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("b.png"), new byte[] {1});
        Files.write(dir.resolve("a.JPG"), new byte[] {2});
        Files.write(dir.resolve("notes.txt"), new byte[] {3});
        ImageCorpus corpus = ImageCorpus.fromFolder(dir);
        assertThat(corpus.images()).extracting(ImageCorpus.Image::name).containsExactly("a.JPG", "b.png");
        assertThat(corpus.images())
                .extracting(ImageCorpus.Image::contentType)
                .containsExactly("image/jpeg", "image/png");
        assertThat(List.of(
                        corpus.next().name(),
                        corpus.next().name(),
                        corpus.next().name()))
                .containsExactly("a.JPG", "b.png", "a.JPG");
    }

    @Test
    void refusesAnEmptyFolder(@TempDir Path dir) {
        assertThatThrownBy(() -> ImageCorpus.fromFolder(dir)).hasMessageContaining("no .jpg");
        assertThatThrownBy(() -> ImageCorpus.fromFolder(dir.resolve("absent"))).hasMessageContaining("not a folder");
    }
}
