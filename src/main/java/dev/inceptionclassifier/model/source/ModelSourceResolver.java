package dev.inceptionclassifier.model.source;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.inceptionclassifier.config.ClassifierProperties;
import dev.inceptionclassifier.model.Architecture;

/**
 * Turns a configured model source into local files. Forms:
 * <ul>
 * <li>{@code hf-hub:<repo>[@revision]} (revision {@code main} by default): {@code config.json} and
 * {@code model.safetensors} from {@code <hub endpoint>/<repo>/resolve/<revision>/}, cached in
 * {@code <cache>/hub/<repo>/<revision>/};</li>
 * <li>a folder path or {@code file:} URL holding {@code config.json} and {@code model.safetensors}, used in place;</li>
 * <li>an {@code https://} folder URL with the same two files, cached in {@code <cache>/url/<sha256 of the URL>/};</li>
 * <li>a path or URL ending in {@code .pt}: a TorchScript file (cached like the above when remote);</li>
 * <li>{@code random}: seeded random weights.</li>
 * </ul>
 * A file in the cache is trusted and reused without any network request, also for a branch revision such as
 * {@code main}: pin a revision (a tag or commit) to pick up a newer upload, or empty the cache folder. Plain
 * {@code http://} is refused except for loopback hosts.
 *
 * <p>Fetch failures (network, HTTP status, failed verification, offline with files missing from the cache) throw
 * {@link ModelUnavailableException}; a malformed or refused source throws {@link IllegalArgumentException}, since
 * falling back to random weights would hide a configuration mistake. Thread-safe; downloads of the same file from
 * several threads or processes each write their own temporary file, and the last verified rename wins.
 */
public final class ModelSourceResolver {

    static final String CONFIG = "config.json";
    static final String WEIGHTS = "model.safetensors";
    static final String HUB_PREFIX = "hf-hub:";
    /** The seed {@code classifier.models[i].seed} defaults to. */
    static final long DEFAULT_SEED = 42;

    private static final List<String> CHECKPOINT_FILES = List.of(CONFIG, WEIGHTS);
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._/-]*");
    private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*");

    private final Path cache;
    private final boolean offline;
    private final String hubEndpoint;
    private final Downloader downloader;

    public ModelSourceResolver(ClassifierProperties props) {
        this(props, Downloader.newClient(props.hub()));
    }

    ModelSourceResolver(ClassifierProperties props, HttpClient client) {
        this.cache = props.resolvedModelCache();
        this.offline = props.offline();
        this.hubEndpoint = props.hub().endpoint();
        this.downloader = new Downloader(client, props.hub());
    }

    /** As {@link #resolve(String, Architecture, long)} with the default seed for {@code random}. */
    public ResolvedSource resolve(String source, Architecture architecture) {
        return resolve(source, architecture, DEFAULT_SEED);
    }

    /**
     * Resolves {@code source} to local, verified files, downloading what the cache lacks.
     *
     * @param source the configured source; null or blank means {@code hf-hub:timm/<architecture>.tf_in1k}
     * @param architecture the configured architecture, needed only when {@code source} is null
     * @param seed the seed of {@code random} weights
     * @throws ModelUnavailableException when the files cannot be had (network, HTTP status, verification, offline)
     * @throws IllegalArgumentException when the source is malformed or refused
     */
    public ResolvedSource resolve(String source, Architecture architecture, long seed) {
        if (source == null || source.isBlank()) {
            if (architecture == null) {
                throw new IllegalArgumentException("a model needs a source or an architecture");
            }
            return resolveHub(defaultHubRepo(architecture));
        }
        String s = source.trim();
        if (s.equalsIgnoreCase("random")) {
            return new ResolvedSource.RandomWeights(seed);
        }
        if (s.startsWith(HUB_PREFIX)) {
            return resolveHub(s.substring(HUB_PREFIX.length()));
        }
        if (s.regionMatches(true, 0, "file:", 0, 5)) {
            return resolveLocal(fileUrlPath(s));
        }
        if (URL_SCHEME.matcher(s).matches()) {
            return resolveUrl(Urls.parseFetchable(s));
        }
        return resolveLocal(localPath(s));
    }

    /** timm's repository of the default ({@code tf_in1k}) weights of {@code architecture}. */
    static String defaultHubRepo(Architecture architecture) {
        return "timm/" + architecture.timmName() + ".tf_in1k";
    }

    private ResolvedSource resolveHub(String spec) {
        int at = spec.indexOf('@');
        String repo = at < 0 ? spec : spec.substring(0, at);
        String revision = at < 0 ? "main" : spec.substring(at + 1);
        if (!REPO.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("invalid hub repository '" + repo + "' in " + HUB_PREFIX + spec
                    + " (expected owner/name)");
        }
        if (!REVISION.matcher(revision).matches() || revision.contains("..") || revision.endsWith("/")) {
            throw new IllegalArgumentException("invalid hub revision '" + revision + "' in " + HUB_PREFIX + spec);
        }
        String description = HUB_PREFIX + repo + "@" + revision;
        // a branch such as refs/pr/1 becomes one URL segment and one folder name
        String encodedRevision = URLEncoder.encode(revision, StandardCharsets.UTF_8);
        Path dir = cache.resolve("hub");
        for (String part : repo.split("/")) {
            dir = dir.resolve(part);
        }
        dir = dir.resolve(encodedRevision);
        String base = hubEndpoint.trim().replaceAll("/+$", "") + "/" + repo + "/resolve/" + encodedRevision + "/";
        return fetchCheckpoint(base, dir, description);
    }

    private ResolvedSource resolveUrl(URI uri) {
        String description = Urls.redact(uri);
        if (uri.getPath() != null && uri.getPath().toLowerCase(Locale.ROOT).endsWith(".pt")) {
            Path file = cache.resolve("url").resolve(Urls.sha256Hex(uri.toString())).resolve(Urls.fileName(uri));
            downloader.cached(uri, file, Long.MAX_VALUE, offline, "TorchScript model " + description);
            return new ResolvedSource.TorchScript(file, description);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a model folder URL cannot have a query or fragment: " + description);
        }
        String base = uri.toString().endsWith("/") ? uri.toString() : uri + "/";
        Path dir = cache.resolve("url").resolve(Urls.sha256Hex(base));
        return fetchCheckpoint(base, dir, Urls.redact(URI.create(base)));
    }

    /** Fetches config.json and model.safetensors below {@code base} into {@code dir}, unless both are cached. */
    private ResolvedSource fetchCheckpoint(String base, Path dir, String description) {
        List<String> missing = CHECKPOINT_FILES.stream().filter(f -> !Files.isRegularFile(dir.resolve(f))).toList();
        if (!missing.isEmpty()) {
            if (offline) {
                throw new ModelUnavailableException("model " + description + ": " + String.join(", ", missing)
                        + (missing.size() == 1 ? " is" : " are") + " not in the cache folder " + dir
                        + " and classifier.offline=true (fetch them once with offline=false, or copy them there)");
            }
            URI baseUri = Urls.parseFetchable(base);
            for (String file : missing) {
                downloader.download(baseUri.resolve(file), dir.resolve(file), Long.MAX_VALUE);
            }
        }
        return new ResolvedSource.TimmCheckpoint(dir.resolve(CONFIG), dir.resolve(WEIGHTS), description);
    }

    private static ResolvedSource resolveLocal(Path path) {
        Path p = path.toAbsolutePath().normalize();
        if (p.getFileName() != null && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pt")) {
            if (!Files.isRegularFile(p)) {
                throw new ModelUnavailableException("TorchScript file " + p + " does not exist");
            }
            return new ResolvedSource.TorchScript(p, p.toString());
        }
        if (!Files.isDirectory(p)) {
            throw new ModelUnavailableException("model folder " + p + " does not exist (expected a folder with "
                    + CONFIG + " and " + WEIGHTS + ", or a .pt file)");
        }
        List<String> missing = CHECKPOINT_FILES.stream().filter(f -> !Files.isRegularFile(p.resolve(f))).toList();
        if (!missing.isEmpty()) {
            throw new ModelUnavailableException("model folder " + p + " lacks " + String.join(" and ", missing));
        }
        return new ResolvedSource.TimmCheckpoint(p.resolve(CONFIG), p.resolve(WEIGHTS), p.toString());
    }

    @Override
    public String toString() {
        return "ModelSourceResolver[cache=" + cache + ", offline=" + offline + ", hub=" + Urls.redact(hubEndpoint)
                + "]";
    }

    static Path fileUrlPath(String url) {
        try {
            return Path.of(URI.create(url));
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new IllegalArgumentException("not a valid file URL: " + Urls.redact(url)
                    + " (use file:///absolute/path)");
        }
    }

    /** A plain path; {@code ~/} is the user's home folder. */
    static Path localPath(String path) {
        try {
            if (path.equals("~") || path.startsWith("~/")) {
                return Path.of(System.getProperty("user.home")).resolve(path.substring(Math.min(2, path.length())));
            }
            return Path.of(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path: " + path);
        }
    }
}
