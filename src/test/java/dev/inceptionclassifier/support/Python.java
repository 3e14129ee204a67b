package dev.inceptionclassifier.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs small reference scripts with Debian's {@code /usr/bin/python3} ({@code python3-torch}, {@code python3-pil},
 * {@code python3-numpy}, {@code python3-torchvision}), so tests can compare with files and values that the reference
 * code itself produced. Tests skip where a module they need is not installed.
 */
public final class Python {

    /** The interpreter: Debian's, whose modules come from apt, never from PyPI. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private static final Map<String, String> DEBIAN_PACKAGES = Map.of(
            "torch",
            "python3-torch",
            "torchvision",
            "python3-torchvision",
            "PIL",
            "python3-pil",
            "numpy",
            "python3-numpy");

    private Python() {}

    /**
     * Why the reference cannot run: {@code null} when {@code /usr/bin/python3} imports every module in
     * {@code modules}, else a message for the skipped test.
     */
    public static String unavailable(String... modules) {
        String imports = modules.length == 0 ? "pass" : "import " + String.join(", ", modules);
        boolean ok = false;
        if (Files.isExecutable(PYTHON)) {
            try {
                ok = run(List.of(PYTHON.toString(), "-c", imports), 120).exitCode == 0;
            } catch (IOException ex) {
                ok = false;
            }
        }
        String packages = Arrays.stream(modules)
                .map(m -> DEBIAN_PACKAGES.getOrDefault(m, "python3-" + m))
                .collect(Collectors.joining(" "));
        return ok
                ? null
                : PYTHON + " cannot run '" + imports + "' (apt-get install "
                        + (packages.isEmpty() ? "python3" : packages)
                        + "); skipping the comparison with the reference code";
    }

    /** Skips the calling test unless {@code /usr/bin/python3} imports every module in {@code modules}. */
    public static void assumeModules(String... modules) {
        String reason = unavailable(modules);
        assumeTrue(reason == null, reason);
    }

    /**
     * A single test that reports {@code reason} as skipped: an assumption failing inside a {@code @TestFactory}
     * aborts the factory, which surefire does not list at all.
     */
    public static List<DynamicTest> skipped(String reason) {
        return List.of(DynamicTest.dynamicTest("skipped", () -> Assumptions.abort(reason)));
    }

    /**
     * Writes {@code source} into {@code dir} and runs it with {@code args}; returns its output (stdout and stderr),
     * fails with that output on a non-zero exit.
     */
    public static String runScript(Path dir, String source, String... args) throws IOException {
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

    private record Result(int exitCode, String output) {}

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
