package dev.inceptionclassifier.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs small reference scripts with Debian's {@code /usr/bin/python3} (python3-pil 9.4, python3-torchvision 0.14,
 * python3-numpy) so preprocessing can be compared with the code that defines it. A minimal copy of the model
 * package's {@code PythonTorch} test helper (the image package must not depend on it); tests skip where the modules
 * are not installed.
 */
final class PythonReference {

    static final Path PYTHON = Path.of("/usr/bin/python3");

    private PythonReference() {
    }

    /**
     * Why the reference cannot run: {@code null} when {@code /usr/bin/python3} imports every module in
     * {@code modules}, else a message for the skipped test.
     */
    static String unavailable(String... modules) {
        String imports = "import " + String.join(", ", modules);
        boolean ok = false;
        if (Files.isExecutable(PYTHON)) {
            try {
                ok = run(List.of(PYTHON.toString(), "-c", imports), 120).exitCode == 0;
            } catch (IOException ex) {
                ok = false;
            }
        }
        return ok ? null : "/usr/bin/python3 cannot run '" + imports + "' (apt-get install python3-pil python3-numpy"
                + " python3-torchvision); skipping the comparison with the reference code";
    }

    /**
     * A single test that reports {@code reason} as skipped: an assumption failing inside a {@code @TestFactory}
     * aborts the factory, which surefire does not list at all.
     */
    static List<DynamicTest> skipped(String reason) {
        return List.of(DynamicTest.dynamicTest("skipped", () -> Assumptions.abort(reason)));
    }

    /** Writes {@code source} into {@code dir} and runs it with {@code args}; fails with its output on error. */
    static String runScript(Path dir, String source, String... args) throws IOException {
        Path script = dir.resolve("reference.py");
        Files.writeString(script, source);
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        command.addAll(List.of(args));
        Result r = run(command, 300);
        if (r.exitCode != 0) {
            throw new IllegalStateException("python failed (exit " + r.exitCode + "):\n" + r.output);
        }
        return r.output;
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
