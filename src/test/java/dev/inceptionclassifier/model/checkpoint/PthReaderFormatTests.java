package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PthReader} on files that are not PyTorch checkpoints at all; no Python needed. */
class PthReaderFormatTests {

    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    private static void assertRefused(Path f, String fragment) {
        assertThatThrownBy(() -> PthReader.read(f))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining(fragment);
    }

    @Test
    void refusesFilesThatAreNotCheckpoints() throws IOException {
        assertRefused(write("empty.pth", new byte[0]), "empty file");
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        noise[0] = 'x';
        assertRefused(write("noise.pth", noise), "not a PyTorch checkpoint");
        Path safetensors = dir.resolve("model.safetensors");
        SafetensorsWriter.write(
                safetensors, List.of(SafetensorsWriter.f32("w", new long[] {1}, new float[] {1})), Map.of());
        assertRefused(safetensors, "not a PyTorch checkpoint");
    }

    @Test
    void refusesThePre2017TarFormat() throws IOException {
        byte[] tar = new byte[1024];
        System.arraycopy("sys_info".getBytes(StandardCharsets.US_ASCII), 0, tar, 0, 8);
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 5);

        assertRefused(write("old.pth", tar), "the tar-based format of PyTorch's first releases");
    }

    @Test
    void refusesEmptyAndCutZipArchives() throws IOException {
        byte[] empty = new byte[22];
        empty[0] = 'P';
        empty[1] = 'K';
        empty[2] = 5;
        empty[3] = 6;
        assertRefused(write("empty-zip.pth", empty), "an empty zip archive");
        byte[] cut = Arrays.copyOf("PK\u0003\u0004".getBytes(StandardCharsets.ISO_8859_1), 64);
        assertRefused(write("cut.pth", cut), "truncated zip archive");
        assertRefused(
                write("tiny.pth", "PK\u0003\u0004".getBytes(StandardCharsets.ISO_8859_1)),
                "truncated zip archive: 4 bytes");
    }

    @Test
    void refusesAPickleThatIsNotATorchSaveFile() throws IOException {
        // pickle.dumps(3, protocol=2): a valid pickle, not the legacy magic number
        assertRefused(write("three.pkl", new byte[] {(byte) 0x80, 2, 'K', 3, '.'}), "without torch.save's magic");
    }
}
