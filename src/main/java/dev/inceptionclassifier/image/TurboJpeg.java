package dev.inceptionclassifier.image;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * libjpeg-turbo's TurboJPEG API, reached through its Java binding ({@code turbojpeg.jar}, Debian package
 * {@code libturbojpeg-java}) and native library ({@code libturbojpeg.so.0}, package {@code libturbojpeg0}), both
 * found at run time: nothing of it is needed to build or to run the service without it.
 *
 * <p>The jar is loaded in a class loader of its own whose {@code findLibrary("turbojpeg")} answers with the located
 * library file, because the binding's own loader asks for the unversioned {@code libturbojpeg.so}, which only the
 * development package installs. A JNI library binds to exactly one class loader per JVM, so the binding is loaded
 * once per JVM and shared ({@link #load}); everything else here is immutable.
 *
 * <p>The decoded pixels are libjpeg-turbo's, with its defaults (accurate integer DCT, fancy upsampling): the same
 * library and settings as Pillow's JPEG decoder, hence the same bytes. The binding pins the Java arrays during the
 * native call (JNI critical section), so a decode delays garbage collection for its duration.
 */
final class TurboJpeg {

    /** Default places of the binding: Debian/Ubuntu's package, then libjpeg-turbo's own installers. */
    static final List<Path> DEFAULT_JARS =
            List.of(Path.of("/usr/share/java/turbojpeg.jar"), Path.of("/opt/libjpeg-turbo/classes/turbojpeg.jar"));

    private static final String PACKAGE = "org.libjpegturbo.turbojpeg.";

    /** A 1x1 gray JPEG of value 77 (written by Pillow), decoded once at load time to prove the binding works. */
    private static final byte[] PROBE = HexFormat.of()
            .parseHex(
                    "ffd8ffe000104a46494600010100000100010000ffdb00430001010101010101010101010101010101010101010101010101"
                            + "010101010101010101010101010101010101010101010101010101010101010101010101010101ffc0000b08000100010101"
                            + "1100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b51000020103030204030505"
                            + "04040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a"
                            + "25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a8384858687"
                            + "88898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2"
                            + "e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fc67afffd9");

    private static final int PROBE_VALUE = 77;

    private static TurboJpeg loaded; // guarded by TurboJpeg.class: see the class comment

    /** Pixels as TurboJPEG wrote them: {@code width * height * pixelSize} bytes in one of the three formats. */
    record Pixels(int width, int height, Format format, byte[] data) {}

    /** The output formats used: RGB for YCbCr and RGB JPEGs, gray for gray ones, CMYK for CMYK and YCCK. */
    enum Format {
        RGB(3),
        GRAY(1),
        CMYK(4);

        final int pixelSize;

        Format(int pixelSize) {
            this.pixelSize = pixelSize;
        }
    }

    /** Why the binding could not be loaded. */
    static final class UnavailableException extends Exception {
        UnavailableException(String message) {
            super(message);
        }

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path jar;
    private final Path library;
    private final MethodHandle newDecompressor;
    private final MethodHandle setSourceImage;
    private final MethodHandle getWidth;
    private final MethodHandle getHeight;
    private final MethodHandle getColorspace;
    private final MethodHandle decompress;
    private final MethodHandle close;
    private final MethodHandle errorCode;
    private final int pfRgb;
    private final int pfGray;
    private final int pfCmyk;
    private final int csGray;
    private final int csCmyk;
    private final int csYcck;
    private final int errWarning;
    private final Class<?> exceptionClass;

    private TurboJpeg(Path jar, Path library, ClassLoader loader) throws ReflectiveOperationException {
        this.jar = jar;
        this.library = library;
        Class<?> tj = Class.forName(PACKAGE + "TJ", true, loader);
        Class<?> decompressor = Class.forName(PACKAGE + "TJDecompressor", true, loader);
        exceptionClass = Class.forName(PACKAGE + "TJException", true, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        newDecompressor = lookup.findConstructor(decompressor, MethodType.methodType(void.class));
        setSourceImage = lookup.findVirtual(
                decompressor, "setSourceImage", MethodType.methodType(void.class, byte[].class, int.class));
        getWidth = lookup.findVirtual(decompressor, "getWidth", MethodType.methodType(int.class));
        getHeight = lookup.findVirtual(decompressor, "getHeight", MethodType.methodType(int.class));
        getColorspace = lookup.findVirtual(decompressor, "getColorspace", MethodType.methodType(int.class));
        // decompress(dst, x, y, width, pitch, height, pixelFormat, flags)
        decompress = lookup.findVirtual(
                decompressor,
                "decompress",
                MethodType.methodType(
                        void.class,
                        byte[].class,
                        int.class,
                        int.class,
                        int.class,
                        int.class,
                        int.class,
                        int.class,
                        int.class));
        close = lookup.findVirtual(decompressor, "close", MethodType.methodType(void.class));
        errorCode = lookup.findVirtual(exceptionClass, "getErrorCode", MethodType.methodType(int.class));
        pfRgb = tj.getField("PF_RGB").getInt(null);
        pfGray = tj.getField("PF_GRAY").getInt(null);
        pfCmyk = tj.getField("PF_CMYK").getInt(null);
        csGray = tj.getField("CS_GRAY").getInt(null);
        csCmyk = tj.getField("CS_CMYK").getInt(null);
        csYcck = tj.getField("CS_YCCK").getInt(null);
        errWarning = tj.getField("ERR_WARNING").getInt(null);
    }

    /**
     * The binding from {@code jar} (null: the first of {@link #DEFAULT_JARS} that exists) with the native library
     * {@code library} (null: {@code libturbojpeg.so.0} in the usual library folders), loaded and probed with a real
     * decode. Loaded once per JVM; a second call with other paths is refused.
     */
    static synchronized TurboJpeg load(Path jar, Path library) throws UnavailableException {
        Path jarFile = jar != null
                ? jar
                : DEFAULT_JARS.stream()
                        .filter(Files::isRegularFile)
                        .findFirst()
                        .orElseThrow(() -> new UnavailableException("no turbojpeg.jar in " + DEFAULT_JARS
                                + " (Debian/Ubuntu: apt-get install libturbojpeg-java)"));
        if (!Files.isRegularFile(jarFile)) {
            throw new UnavailableException("no TurboJPEG Java binding at " + jarFile);
        }
        Path libraryFile = library != null ? library : findLibrary();
        if (!Files.isRegularFile(libraryFile)) {
            throw new UnavailableException("no TurboJPEG native library at " + libraryFile);
        }
        if (loaded != null) {
            if (loaded.jar.equals(jarFile) && loaded.library.equals(libraryFile)) {
                return loaded;
            }
            throw new UnavailableException(
                    "TurboJPEG is already loaded in this JVM from " + loaded.jar + " and " + loaded.library);
        }
        TurboJpeg turbo;
        try {
            turbo = new TurboJpeg(jarFile, libraryFile, new BindingClassLoader(jarFile, libraryFile));
        } catch (ReflectiveOperationException | LinkageError | MalformedURLException | RuntimeException e) {
            throw new UnavailableException(
                    "the TurboJPEG binding " + jarFile + " with " + libraryFile + " does not load: " + e, e);
        }
        turbo.probe();
        loaded = turbo;
        return turbo;
    }

    private static Path findLibrary() throws UnavailableException {
        Set<Path> dirs = new LinkedHashSet<>();
        String javaPath = System.getProperty("java.library.path", "");
        for (String d : javaPath.split(java.io.File.pathSeparator)) {
            if (!d.isBlank()) {
                dirs.add(Path.of(d));
            }
        }
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String multiarch = switch (arch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64", "arm64" -> "aarch64-linux-gnu";
            default -> arch + "-linux-gnu";
        };
        for (String d : List.of(
                "/usr/lib/" + multiarch,
                "/lib/" + multiarch,
                "/usr/lib64",
                "/usr/lib",
                "/usr/local/lib",
                "/opt/libjpeg-turbo/lib64",
                "/opt/libjpeg-turbo/lib")) {
            dirs.add(Path.of(d));
        }
        List<String> names = List.of("libturbojpeg.so.0", System.mapLibraryName("turbojpeg"));
        for (Path d : dirs) {
            for (String n : names) {
                Path p = d.resolve(n);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new UnavailableException(
                "no libturbojpeg.so.0 in " + dirs + " (Debian/Ubuntu: apt-get install libturbojpeg0)");
    }

    private void probe() throws UnavailableException {
        Pixels p;
        try {
            p = decode(PROBE, 1, 1);
        } catch (RuntimeException | LinkageError e) {
            throw new UnavailableException("TurboJPEG from " + jar + " and " + library + " fails to decode: " + e, e);
        }
        if (p == null || p.format() != Format.GRAY || (p.data()[0] & 0xff) != PROBE_VALUE) {
            throw new UnavailableException("TurboJPEG from " + jar + " and " + library + " decodes wrongly");
        }
    }

    /** Where the binding and the native library were loaded from. */
    String describe() {
        return jar + " with " + library;
    }

    /**
     * Decodes a (normalised) JPEG, or returns null when TurboJPEG cannot read its header (libjpeg-turbo 2.1 refuses
     * sampling factors it cannot classify, such as 3x1 or per-component chroma factors): the caller then decodes it
     * another way.
     *
     * @throws ImageRejectedException {@code UNDECODABLE} when the data is corrupt or truncated, including any libjpeg
     *     warning other than {@link DecoderWarnings#isBenign benign} ones; {@code UNDECODABLE} when the size differs
     *     from the header's
     */
    Pixels decode(byte[] jpeg, int expectedWidth, int expectedHeight) {
        Object d;
        try {
            d = newDecompressor.invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("TurboJPEG cannot create a decompressor", e);
        }
        try {
            try {
                setSourceImage.invoke(d, jpeg, jpeg.length);
            } catch (Throwable e) {
                if (exceptionClass.isInstance(e)) {
                    return null; // a header TurboJPEG cannot handle: not necessarily a corrupt one
                }
                throw e;
            }
            int width = (int) getWidth.invoke(d);
            int height = (int) getHeight.invoke(d);
            if (width != expectedWidth || height != expectedHeight) {
                throw new ImageRejectedException(Reason.UNDECODABLE, "the image header is inconsistent");
            }
            int colorspace = (int) getColorspace.invoke(d);
            Format format = colorspace == csGray
                    ? Format.GRAY
                    : colorspace == csCmyk || colorspace == csYcck ? Format.CMYK : Format.RGB;
            int pf = switch (format) {
                case RGB -> pfRgb;
                case GRAY -> pfGray;
                case CMYK -> pfCmyk;
            };
            byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), format.pixelSize)];
            try {
                decompress.invoke(d, out, 0, 0, width, 0, height, pf, 0);
            } catch (Throwable e) {
                if (!exceptionClass.isInstance(e)) {
                    throw e;
                }
                // a warning still yields a complete image; it is refused unless harmless, as ImageIO's are
                boolean warning = (int) errorCode.invoke(e) == errWarning;
                if (!warning || !DecoderWarnings.isBenign(e.getMessage())) {
                    throw new ImageRejectedException(Reason.UNDECODABLE, "the image data is corrupt or truncated", e);
                }
            }
            return new Pixels(width, height, format, out);
        } catch (ImageRejectedException | OutOfMemoryError e) {
            throw e;
        } catch (Throwable e) {
            throw new ImageRejectedException(Reason.UNDECODABLE, "the image data is corrupt or truncated", e);
        } finally {
            try {
                close.invoke(d);
            } catch (Throwable e) {
                // closing frees the native handle; a failure here leaves nothing a request could observe
            }
        }
    }

    /** The binding's classes, with the native library resolved to the located file. */
    private static final class BindingClassLoader extends URLClassLoader {

        private final Path library;

        BindingClassLoader(Path jar, Path library) throws MalformedURLException {
            super("turbojpeg", new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            this.library = library;
        }

        @Override
        protected String findLibrary(String libname) {
            return "turbojpeg".equals(libname) ? library.toAbsolutePath().toString() : null;
        }
    }
}
