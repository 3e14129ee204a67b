import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;

/**
 * Image build step: loads the DJL PyTorch engine once so that DJL puts libtorch and its JNI library into
 * {@code ENGINE_CACHE_DIR} (extracted from pytorch-native-cpu, or downloaded for {@code PYTORCH_FLAVOR} when that jar
 * is not on the class path). At run time DJL finds the folder complete and writes nothing there, so it can be
 * read-only. Run with the Java source launcher on the application's dependency jars:
 * {@code java -cp 'extracted/dependencies/BOOT-INF/lib/*' FetchEngineNatives.java [--allow-load-failure]}.
 */
public class FetchEngineNatives {

    /** {@code <version>-<flavor>-<os>-<arch>}, the folder names DJL uses under {@code pytorch/}. */
    private static final Pattern FOLDER = Pattern.compile("(.+)-(cpu|cu\\d+)(-precxx11)?-([a-z]+-[a-z0-9_]+)");

    public static void main(String[] args) throws Exception {
        Path dir = Utils.getEngineCacheDir("pytorch");
        // A CUDA build has no GPU driver at image build time: loading may fail after the download; the files stay.
        boolean allowLoadFailure = List.of(args).contains("--allow-load-failure");
        try {
            Engine engine = Engine.getEngine("PyTorch");
            System.out.println("Loaded " + engine.getEngineName() + " " + engine.getVersion());
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            if (!allowLoadFailure) {
                throw e;
            }
            System.out.println("The engine did not load here (no GPU driver at build time?): " + e);
            extractMissingJni(dir);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = files.sorted().toList();
            all.forEach(p -> System.out.println("  " + p));
            long libtorch = all.stream().filter(p -> p.getFileName().toString().equals("libtorch.so")).count();
            long jni = all.stream().filter(p -> p.getFileName().toString().endsWith("-libdjl_torch.so")).count();
            if (libtorch != 1 || jni != 1) {
                throw new IllegalStateException("expected one libtorch.so and one JNI library under " + dir
                        + ", found " + libtorch + " and " + jni);
            }
        }
    }

    /** DJL extracts its JNI library only after libtorch loaded; do what it would have done. */
    private static void extractMissingJni(Path dir) throws Exception {
        try (Stream<Path> folders = Files.list(dir)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                Matcher m = FOLDER.matcher(folder.getFileName().toString());
                Path target = folder.resolve(Engine.getDjlVersion() + "-libdjl_torch.so");
                if (!m.matches() || Files.exists(target)) {
                    continue;
                }
                String resource = "jnilib/" + m.group(4) + "/" + m.group(2) + "/libdjl_torch.so";
                try (InputStream in = FetchEngineNatives.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("no " + resource + " in the pytorch-jni jar");
                    }
                    Files.copy(in, target);
                    System.out.println("Extracted " + resource + " to " + target);
                }
            }
        }
    }
}
