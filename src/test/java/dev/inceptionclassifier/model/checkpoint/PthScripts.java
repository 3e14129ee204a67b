package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.support.Python;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs the Python scripts next to this class ({@code pth_*.py}, sharing {@code pth_common.py}) with real PyTorch, and
 * compares what {@link PthReader} reads with the reference dump the scripts write from {@code torch.load}.
 */
final class PthScripts {

    private PthScripts() {}

    /** Runs {@code script} (a resource name) in {@code dir} with {@code dir} as its output folder. */
    static void run(Path dir, String script) throws IOException {
        Python.assumeModules("torch");
        Files.writeString(dir.resolve("pth_common.py"), resource("pth_common.py"));
        Python.runScript(dir, resource(script), dir.toString());
    }

    private static String resource(String name) {
        try (InputStream in = PthScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Asserts that {@code read} holds exactly the float tensors torch.load returned for {@code file} (same keys in the
     * same order, same shapes, bit-identical float32 values) and none of its integer tensors.
     */
    static void assertMatchesTorch(Path file, Map<String, HostTensor> read) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(file + ".expected.tsv"));
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(Path.of(file + ".expected.f32")))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] all = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(all);
        List<String> floatKeys = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            String key = f[0];
            long[] shape = f[2].isEmpty()
                    ? new long[0]
                    : Arrays.stream(f[2].split(",")).mapToLong(Long::parseLong).toArray();
            int offset = Integer.parseInt(f[3]);
            if (offset < 0) {
                assertThat(read)
                        .as("integer tensor %s (%s) is skipped", key, f[1])
                        .doesNotContainKey(key);
                continue;
            }
            floatKeys.add(key);
            HostTensor t = read.get(key);
            assertThat(t).as("%s (%s)", key, f[1]).isNotNull();
            assertThat(t.shape()).as("shape of %s", key).containsExactly(shape);
            assertThat(t.data())
                    .as("values of %s (%s)", key, f[1])
                    .containsExactly(Arrays.copyOfRange(all, offset, offset + t.data().length));
        }
        assertThat(read.keySet()).as("keys, in order").containsExactlyElementsOf(floatKeys);
    }
}
