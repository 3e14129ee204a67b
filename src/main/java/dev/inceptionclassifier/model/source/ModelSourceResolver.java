package dev.inceptionclassifier.model.source;

import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.source.Pins.Pin;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a configured model source into local, verified files. Forms:
 * <ul>
 * <li>{@code hf-hub:<repo>[@revision]} (revision {@code main} by default): the revision is resolved to a commit
 * (the hub's {@code X-Repo-Commit}), then {@code config.json} and {@code model.safetensors} of that one commit are
 * fetched from {@code <hub endpoint>/<repo>/resolve/<commit>/} into {@code <cache>/hub/models--<owner>--<name>/
 * snapshots/<commit>/}, and {@code refs/<revision>} records the commit (see {@link HubCache});</li>
 * <li>a folder path or {@code file:} URL holding {@code config.json} and {@code model.safetensors}, used in place;</li>
 * <li>an {@code https://} folder URL with the same two files, cached in {@code <cache>/url/<sha256 of the URL>/};</li>
 * <li>a path or URL ending in {@code .pth}: a PyTorch state dict ({@code torch.save}), data only, pinned like
 * {@code model.safetensors} (cached like the above when remote);</li>
 * <li>a path or URL ending in {@code .pt}: a TorchScript file, or a state dict when its content says so (no
 * {@code code/} or {@code constants.pkl} in the archive, see {@link TorchScriptFiles}). TorchScript is code, so it
 * needs a {@code sha256.weights} pin unless {@link Pins#allowUnpinnedTorchScript()}; a remote {@code .pt} is fetched
 * only on those terms, since what it is is known only once it is here;</li>
 * <li>{@code random}: seeded random weights.</li>
 * </ul>
 * Every cached file is hashed on every load and used only if it matches the sha256 recorded at download and its pin
 * ({@link Sha256Files}); files used in place are checked against their pins. A branch or tag costs one {@code HEAD}
 * request per start, and is served from the commit it last resolved to when the hub is unreachable or
 * {@code classifier.offline=true}; a full 40-hex commit needs no network once cached. Plain {@code http://} is
 * refused except for loopback hosts.
 *
 * <p>Fetch failures (network, HTTP status, a corrupt download, offline with files missing from the cache) throw
 * {@link ModelUnavailableException}; a file that is not the pinned one throws {@link IntegrityException}; a malformed
 * or refused source throws {@link IllegalArgumentException}, since falling back to random weights would hide either.
 * Thread-safe; downloads of the same file from several threads or processes each write their own temporary file,
 * and the last verified rename wins.
 */
public final class ModelSourceResolver {

    static final String CONFIG = "config.json";
    static final String WEIGHTS = "model.safetensors";
    static final String HUB_PREFIX = "hf-hub:";
    /** The seed {@code classifier.models[i].seed} defaults to. */
    static final long DEFAULT_SEED = 42;

    private static final Logger log = LoggerFactory.getLogger(ModelSourceResolver.class);
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._/-]*");
    private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*");

    private final Path cache;
    private final boolean offline;
    private final String hubEndpoint;
    private final Downloader downloader;

    public ModelSourceResolver(SourceSettings settings) {
        this(settings, Downloader.newClient(settings.hub()));
    }

    ModelSourceResolver(SourceSettings props, HttpClient client) {
        this.cache = props.cache();
        this.offline = props.offline();
        this.hubEndpoint = props.hub().endpoint();
        this.downloader = new Downloader(client, props.hub());
    }

    /** As {@link #resolve(String, Architecture, long, Pins)} with the default seed and no pins. */
    public ResolvedSource resolve(String source, Architecture architecture) {
        return resolve(source, architecture, DEFAULT_SEED, Pins.NONE);
    }

    /**
     * Resolves {@code source} to local, verified files, downloading what the cache lacks.
     *
     * @param source the configured source; null or blank means {@code hf-hub:timm/<architecture>.tf_in1k}
     * @param architecture the configured architecture, needed only when {@code source} is null
     * @param seed the seed of {@code random} weights
     * @param pins the sha256 the files must have
     * @throws ModelUnavailableException when the files cannot be had (network, HTTP status, verification, offline)
     * @throws IntegrityException when a file is not the pinned one
     * @throws IllegalArgumentException when the source is malformed or refused
     */
    public ResolvedSource resolve(String source, Architecture architecture, long seed, Pins pins) {
        if (source == null || source.isBlank()) {
            if (architecture == null) {
                throw new IllegalArgumentException("a model needs a source or an architecture");
            }
            return resolveHub(defaultHubRepo(architecture), pins);
        }
        String s = source.trim();
        if (s.equalsIgnoreCase("random")) {
            if (pins.weights() != null || pins.config() != null) {
                throw new IllegalArgumentException("sha256 pins do not apply to random weights");
            }
            return new ResolvedSource.RandomWeights(seed);
        }
        if (s.startsWith(HUB_PREFIX)) {
            return resolveHub(s.substring(HUB_PREFIX.length()), pins);
        }
        if (s.regionMatches(true, 0, "file:", 0, 5)) {
            return resolveLocal(fileUrlPath(s), pins);
        }
        if (URL_SCHEME.matcher(s).matches()) {
            return resolveUrl(Urls.parseFetchable(s), pins);
        }
        return resolveLocal(localPath(s), pins);
    }

    /** timm's repository of the default ({@code tf_in1k}) weights of {@code architecture}. */
    static String defaultHubRepo(Architecture architecture) {
        return "timm/" + architecture.timmName() + ".tf_in1k";
    }

    private ResolvedSource resolveHub(String spec, Pins pins) {
        int at = spec.indexOf('@');
        String repo = at < 0 ? spec : spec.substring(0, at);
        String revision = at < 0 ? "main" : spec.substring(at + 1);
        if (!REPO.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException(
                    "invalid hub repository '" + repo + "' in " + HUB_PREFIX + spec + " (expected owner/name)");
        }
        if (!REVISION.matcher(revision).matches()
                || revision.contains("..")
                || revision.endsWith("/")
                || revision.contains("//")
                || revision.contains("/./")) {
            throw new IllegalArgumentException("invalid hub revision '" + revision + "' in " + HUB_PREFIX + spec);
        }
        String requested = HUB_PREFIX + repo + "@" + revision;
        HubCache hub = new HubCache(cache, repo);
        downloader.removeStaleParts(hub.repoDir());
        String resolveBase = hubEndpoint.trim().replaceAll("/+$", "") + "/" + repo + "/resolve/";
        Commit resolved = commit(hub, resolveBase, revision, requested);
        String commit = resolved.id();
        if (!commit.equals(revision)) {
            log.info("Model source {} is commit {}", requested, commit);
        }
        Path dir = hub.snapshot(commit);
        Map<String, Pin> files = new LinkedHashMap<>();
        files.put(CONFIG, pins.configPin());
        files.put(WEIGHTS, pins.weightsPin());
        ensureCached(
                files,
                dir,
                file -> Urls.parseFetchable(resolveBase + commit + "/" + file),
                resolved.cannotFetch(),
                HUB_PREFIX + repo + "@" + commit,
                true);
        // recorded once the snapshot is complete, so an offline start never gets a ref without its files
        if (resolved.cannotFetch() == null && !commit.equals(revision) && !commit.equals(hub.ref(revision))) {
            try {
                hub.writeRef(revision, commit);
            } catch (IOException e) {
                log.warn(
                        "could not record that {} is commit {} in {}: {}",
                        requested,
                        commit,
                        hub.repoDir(),
                        e.getMessage());
            }
        }
        return new ResolvedSource.TimmCheckpoint(
                dir.resolve(CONFIG), dir.resolve(WEIGHTS), HUB_PREFIX + repo + "@" + commit);
    }

    /** A revision resolved to a commit, and why its files cannot be fetched now (null when they can). */
    private record Commit(String id, String cannotFetch) {}

    private Commit commit(HubCache hub, String resolveBase, String revision, String requested) {
        if (HubCache.COMMIT.matcher(revision).matches()) {
            return new Commit(revision, offline ? "classifier.offline=true" : null);
        }
        if (offline) {
            String commit = hub.ref(revision);
            if (commit == null) {
                throw new ModelUnavailableException("model " + requested + ": revision '" + revision + "' was never "
                        + "resolved into the cache folder " + hub.repoDir() + " and classifier.offline=true (start "
                        + "once with offline=false, or pin a full commit: @<40-hex commit>)");
            }
            return new Commit(commit, "classifier.offline=true");
        }
        // one commit for both files: a branch that moves between two downloads cannot mix them
        String encoded = URLEncoder.encode(revision, StandardCharsets.UTF_8);
        try {
            return new Commit(downloader.repoCommit(Urls.parseFetchable(resolveBase + encoded + "/" + CONFIG)), null);
        } catch (UnreachableException e) {
            String commit = hub.ref(revision);
            if (commit == null) {
                throw e;
            }
            log.warn(
                    "The hub could not resolve {} ({}); using commit {}, which it last resolved to",
                    requested,
                    e.getMessage(),
                    commit);
            return new Commit(commit, "the hub could not be reached (" + e.getMessage() + ")");
        }
    }

    private ResolvedSource resolveUrl(URI uri, Pins pins) {
        String description = Urls.redact(uri);
        String path = uri.getPath() == null ? "" : uri.getPath().toLowerCase(Locale.ROOT);
        boolean pt = path.endsWith(".pt");
        if (pt || path.endsWith(".pth")) {
            if (pt) {
                requirePinnedTorchScript(pins, description);
            } else {
                requireNoConfigPin(pins, description);
            }
            Path dir = cache.resolve("url").resolve(Urls.sha256Hex(uri.toString()));
            String name = Urls.fileName(uri);
            downloader.removeStaleParts(dir);
            Map<String, Pin> files = new LinkedHashMap<>();
            files.put(name, pins.weightsPin());
            ensureCached(
                    files,
                    dir,
                    file -> uri,
                    offline ? "classifier.offline=true" : null,
                    (pt ? "model " : "state dict ") + description,
                    false);
            Path file = dir.resolve(name);
            return pt && TorchScriptFiles.isTorchScript(file)
                    ? new ResolvedSource.TorchScript(file, description)
                    : new ResolvedSource.StateDict(file, description);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a model folder URL cannot have a query or fragment: " + description);
        }
        String base = uri.toString().endsWith("/") ? uri.toString() : uri + "/";
        Path dir = cache.resolve("url").resolve(Urls.sha256Hex(base));
        downloader.removeStaleParts(dir);
        URI baseUri = Urls.parseFetchable(base);
        Map<String, Pin> files = new LinkedHashMap<>();
        files.put(CONFIG, pins.configPin());
        files.put(WEIGHTS, pins.weightsPin());
        String folderDescription = Urls.redact(baseUri);
        ensureCached(
                files, dir, baseUri::resolve, offline ? "classifier.offline=true" : null, folderDescription, false);
        return new ResolvedSource.TimmCheckpoint(dir.resolve(CONFIG), dir.resolve(WEIGHTS), folderDescription);
    }

    /**
     * Makes every file of {@code files} (name to pin) a verified file of {@code dir}: what the cache holds is checked;
     * what is missing or failed is fetched from {@code source}, unless {@code cannotFetch} says why it cannot be.
     * {@code immutable}: the source is a commit, so an intact file that is not the pinned one fails without a refetch.
     */
    private void ensureCached(
            Map<String, Pin> files,
            Path dir,
            Function<String, URI> source,
            String cannotFetch,
            String description,
            boolean immutable) {
        Map<String, Sha256Files.Check> unusable = new LinkedHashMap<>();
        files.forEach((file, pin) -> {
            Sha256Files.Check check = Sha256Files.checkCached(dir.resolve(file), pin, description);
            if (check.state() != Sha256Files.State.VERIFIED) {
                unusable.put(file, check);
            }
        });
        if (unusable.isEmpty()) {
            return;
        }
        for (Sha256Files.Check check : unusable.values()) {
            // a commit's file is what it is: fetching it again would give the same bytes
            if (check.state() == Sha256Files.State.PIN_MISMATCH
                    && (cannotFetch != null || immutable && check.asDownloaded())) {
                throw new IntegrityException(check.pinMessage());
            }
        }
        if (cannotFetch != null) {
            List<String> why = new ArrayList<>();
            unusable.forEach((file, check) -> why.add(file + " is " + check.state().description));
            throw new ModelUnavailableException("model " + description + ": " + String.join(", ", why)
                    + " in the cache folder " + dir + ", and " + cannotFetch + " (start once with network and "
                    + "classifier.offline=false to fetch " + (unusable.size() == 1 ? "it" : "them") + ")");
        }
        for (String file : unusable.keySet()) {
            downloader.download(source.apply(file), dir.resolve(file), Long.MAX_VALUE, files.get(file));
        }
    }

    private static void requireNoConfigPin(Pins pins, String description) {
        if (pins.config() != null) {
            throw new IllegalArgumentException("classifier.models[].sha256.config applies to timm checkpoints (a "
                    + "folder or hub repository with config.json), not to the state dict " + description);
        }
    }

    /** TorchScript is code that runs inside the service: it loads only when pinned, or when explicitly allowed. */
    private static void requirePinnedTorchScript(Pins pins, String description) {
        if (pins.config() != null) {
            throw new IllegalArgumentException("classifier.models[].sha256.config applies to timm checkpoints (a "
                    + "folder or hub repository with config.json), not to the TorchScript file " + description);
        }
        if (pins.weights() == null && !pins.allowUnpinnedTorchScript()) {
            throw new IllegalArgumentException("the TorchScript file " + description + " is code that would run "
                    + "inside the service, and it is not pinned: set classifier.models[].sha256.weights to its sha256 "
                    + "(sha256sum prints it), or classifier.models[].allow-unpinned-torchscript=true to load it "
                    + "unverified");
        }
    }

    private static ResolvedSource resolveLocal(Path path, Pins pins) {
        Path p = path.toAbsolutePath().normalize();
        String fileName =
                p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (fileName.endsWith(".pth")
                || fileName.endsWith(".pt") && Files.isRegularFile(p) && !TorchScriptFiles.isTorchScript(p)) {
            requireNoConfigPin(pins, p.toString());
            if (!Files.isRegularFile(p)) {
                throw new ModelUnavailableException("state dict " + p + " does not exist");
            }
            Sha256Files.checkInPlace(p, pins.weightsPin(), "state dict " + p);
            return new ResolvedSource.StateDict(p, p.toString());
        }
        if (fileName.endsWith(".pt")) {
            requirePinnedTorchScript(pins, p.toString());
            if (!Files.isRegularFile(p)) {
                throw new ModelUnavailableException("TorchScript file " + p + " does not exist");
            }
            Sha256Files.checkInPlace(p, pins.weightsPin(), "TorchScript model " + p);
            return new ResolvedSource.TorchScript(p, p.toString());
        }
        if (!Files.isDirectory(p)) {
            throw new ModelUnavailableException("model folder " + p + " does not exist (expected a folder with "
                    + CONFIG + " and " + WEIGHTS + ", a .pth state dict or a .pt file)");
        }
        List<String> missing = Stream.of(CONFIG, WEIGHTS)
                .filter(f -> !Files.isRegularFile(p.resolve(f)))
                .toList();
        if (!missing.isEmpty()) {
            throw new ModelUnavailableException("model folder " + p + " lacks " + String.join(" and ", missing));
        }
        Sha256Files.checkInPlace(p.resolve(CONFIG), pins.configPin(), "model folder " + p);
        Sha256Files.checkInPlace(p.resolve(WEIGHTS), pins.weightsPin(), "model folder " + p);
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
            throw new IllegalArgumentException(
                    "not a valid file URL: " + Urls.redact(url) + " (use file:///absolute/path)");
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
