import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;

/**
 * Image build step: loads the DJL PyTorch engine once so that DJL puts libtorch and its JNI library into
 * {@code ENGINE_CACHE_DIR} (extracted from pytorch-native-cpu, or downloaded for the flavor in {@code PYTORCH_FLAVOR}).
 * At run time the same folder is found complete, read-only, and nothing is extracted or downloaded.
 * Run with the Java source launcher on the application's dependency jars:
 * {@code java -cp 'dependencies/BOOT-INF/lib/*' FetchEngineNatives.java}.
 */
public class FetchEngineNatives {

    public static void main(String[] args) throws Exception {
        Path dir = Utils.getEngineCacheDir("pytorch");
        // A CUDA build has no GPU driver at image build time: loading may fail after the download; the files stay.
        boolean allowLoadFailure = args.length > 0 && args[0].equals("--allow-load-failure");
        try {
            Engine engine = Engine.getEngine("PyTorch");
            System.out.println("Loaded " + engine.getEngineName() + " " + engine.getVersion());
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            if (!allowLoadFailure) {
                throw e;
            }
            System.out.println("Engine did not load here (expected without a GPU driver): " + e);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            long libtorch = files.peek(p -> System.out.println("  " + p))
                    .filter(p -> p.getFileName().toString().equals("libtorch.so")).count();
            if (libtorch != 1) {
                throw new IllegalStateException("expected exactly one libtorch.so under " + dir + ", found " + libtorch);
            }
        }
    }
}
