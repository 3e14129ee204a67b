package dev.inceptionclassifier.model.checkpoint;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs small scripts with real PyTorch (Debian's {@code python3-torch} under {@code /usr/bin/python3}) so tests can
 * compare against files PyTorch itself wrote. Tests skip where it is not installed.
 */
public final class PythonTorch {

    static final Path PYTHON = Path.of("/usr/bin/python3");

    private PythonTorch() {
    }

    /** Skips the calling test unless {@code /usr/bin/python3} can import torch. */
    public static void assumeAvailable() {
        boolean ok = false;
        if (Files.isExecutable(PYTHON)) {
            try {
                ok = run(List.of(PYTHON.toString(), "-c", "import torch"), 120).exitCode == 0;
            } catch (IOException ex) {
                ok = false;
            }
        }
        assumeTrue(ok, "/usr/bin/python3 cannot import torch (apt-get install python3-torch); skipping the"
                + " comparison with real PyTorch");
    }

    /** Writes {@code source} into {@code dir} and runs it with {@code args}; fails with its output on error. */
    public static void runScript(Path dir, String source, String... args) throws IOException {
        Path script = dir.resolve("script.py");
        Files.writeString(script, source);
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        command.addAll(List.of(args));
        Result r = run(command, 300);
        if (r.exitCode != 0) {
            throw new IllegalStateException("python failed (exit " + r.exitCode + "):\n" + r.output);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, int timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // one thread: the build machine is shared, and results must not depend on the thread count
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException ex) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }
}
