package dev.inceptionclassifier.model.source;

import dev.inceptionclassifier.model.source.Pins.Pin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one URL into a cache file: to a temporary {@code .part} file in the target's folder, verified (size, at
 * most {@code classifier.hub.max-download-size}, the sha256 the hub announces, and the file's pin), forced to disk,
 * recorded ({@link Sha256Files}), then atomically renamed. A failed, partial, oversized or mismatching download never
 * becomes the cached copy, and {@code .part} files that a killed process left behind are removed. Redirects are
 * followed here rather than by the client, so that the hub token only ever goes to the hub's own origin (the hub
 * redirects LFS files to a CDN on another host).
 */
final class Downloader {

    static final String PART_SUFFIX = ".part";

    private static final Logger log = LoggerFactory.getLogger(Downloader.class);
    private static final int MAX_REDIRECTS = 10;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final HttpClient client;
    private final String token;
    private final String hubOrigin;
    private final Duration readTimeout;
    private final long maxDownloadBytes;
    /** A live download writes at least every read timeout (else it fails and deletes its file): older is a leftover. */
    private final Duration staleAfter;

    Downloader(HttpClient client, SourceSettings.Hub hub) {
        this.client = client;
        this.token = hub.token() == null || hub.token().isBlank()
                ? null
                : hub.token().trim();
        this.hubOrigin = hubOrigin(hub.endpoint());
        this.readTimeout = hub.readTimeout();
        this.maxDownloadBytes = hub.maxDownloadBytes();
        this.staleAfter = hub.readTimeout().multipliedBy(2).plusMinutes(1);
    }

    /** The resolvers' client: HTTP/1.1 (the JDK's HTTP/2 windows slow large downloads), no automatic redirects. */
    static HttpClient newClient(SourceSettings.Hub hub) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(hub.connectTimeout())
                .build();
    }

    private static String hubOrigin(String endpoint) {
        try {
            URI uri = new URI(endpoint.trim());
            return uri.getHost() == null ? null : Urls.origin(uri);
        } catch (Exception e) {
            return null;
        }
    }

    boolean hasToken() {
        return token != null;
    }

    /**
     * Returns {@code target} from the cache once it verified against its record and {@code pin}, else fetched from
     * {@code uri}.
     */
    Path cached(URI uri, Path target, long maxBytes, Pin pin, boolean offline, String what) {
        removeStaleParts(target.getParent());
        Sha256Files.Check check = Sha256Files.checkCached(target, pin, what);
        if (check.state() == Sha256Files.State.VERIFIED) {
            return target;
        }
        if (offline) {
            if (check.state() == Sha256Files.State.PIN_MISMATCH) {
                throw new IntegrityException(check.pinMessage());
            }
            throw new ModelUnavailableException(what + ": " + target.getFileName() + " is "
                    + check.state().description + " in the cache folder " + target.getParent()
                    + ", and classifier.offline=true");
        }
        download(uri, target, maxBytes, pin);
        return target;
    }

    /**
     * Downloads {@code uri} (which passed {@link Urls#fetchProblem}) to {@code target}, replacing it atomically, and
     * records its sha256.
     *
     * @param maxBytes the caller's own limit; {@code classifier.hub.max-download-size} applies too
     * @param pin what the file must hash to, or null
     * @throws IntegrityException when the file is not the pinned one (then nothing is stored)
     */
    void download(URI uri, Path target, long maxBytes, Pin pin) {
        long limit = Math.min(maxBytes, maxDownloadBytes);
        URI current = uri;
        Expected expected = new Expected();
        for (int hop = 0; ; hop++) {
            String problem = Urls.fetchProblem(current);
            if (problem != null) {
                // only a redirect can get here: configured URLs were checked before
                throw new ModelUnavailableException("redirect from " + Urls.redact(uri) + " refused: " + problem);
            }
            HttpResponse<InputStream> response = send(current, "GET", HttpResponse.BodyHandlers.ofInputStream());
            expected.collect(response.headers(), hubOrigin != null && hubOrigin.equals(Urls.origin(current)));
            int status = response.statusCode();
            if (status == 200) {
                stream(uri, current, response, expected, target, limit, pin);
                return;
            }
            closeQuietly(response.body());
            Optional<String> location = response.headers().firstValue("Location");
            if (isRedirect(status) && location.isPresent()) {
                if (hop >= MAX_REDIRECTS) {
                    throw new ModelUnavailableException("too many redirects fetching " + Urls.redact(uri));
                }
                try {
                    current = current.resolve(location.get().trim());
                } catch (IllegalArgumentException e) {
                    throw new ModelUnavailableException("invalid redirect location from " + Urls.redact(current));
                }
                continue;
            }
            throw new ModelUnavailableException(statusMessage(status, current, uri));
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private String statusMessage(int status, URI current, URI original) {
        String where = Urls.redact(current)
                + (current.equals(original) ? "" : " (redirected from " + Urls.redact(original) + ")");
        String hint = switch (status) {
            case 401, 403 ->
                hasToken()
                        ? ": access denied although a hub token is configured"
                        : ": access denied; private or gated hub repositories need classifier.hub.token (HF_TOKEN)";
            case 404 -> ": not found (check the repository, revision and file name)";
            default -> "";
        };
        return "HTTP " + status + " from " + where + hint;
    }

    /**
     * The commit a hub revision points to, as {@code huggingface_hub} resolves it: a {@code HEAD} of one of its files
     * ({@code <endpoint>/<repo>/resolve/<revision>/<file>}), whose response names the commit in
     * {@code X-Repo-Commit}. Redirects are followed on the hub's origin only (a renamed repository); the hub's
     * redirect of an LFS file to its CDN already carries the header.
     *
     * @throws UnreachableException when the hub cannot be reached or answers 5xx/429 (a cached ref may then serve)
     */
    String repoCommit(URI uri) {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            String problem = Urls.fetchProblem(current);
            if (problem != null) {
                throw new ModelUnavailableException("redirect from " + Urls.redact(uri) + " refused: " + problem);
            }
            HttpResponse<Void> response = send(current, "HEAD", HttpResponse.BodyHandlers.discarding());
            Optional<String> commit = response.headers().firstValue("X-Repo-Commit");
            int status = response.statusCode();
            if (commit.isPresent() && status < 400) {
                String c = commit.get().trim().toLowerCase(Locale.ROOT);
                if (!HubCache.COMMIT.matcher(c).matches()) {
                    throw new ModelUnavailableException(
                            Urls.redact(current) + " sent an X-Repo-Commit that is not a 40-hex commit id");
                }
                return c;
            }
            Optional<String> location = response.headers().firstValue("Location");
            if (isRedirect(status) && location.isPresent()) {
                if (hop >= MAX_REDIRECTS) {
                    throw new ModelUnavailableException("too many redirects resolving " + Urls.redact(uri));
                }
                URI next;
                try {
                    next = current.resolve(location.get().trim());
                } catch (IllegalArgumentException e) {
                    throw new ModelUnavailableException("invalid redirect location from " + Urls.redact(current));
                }
                if (!Urls.origin(next).equals(Urls.origin(current))) {
                    throw new ModelUnavailableException(Urls.redact(current) + " redirected to another host without "
                            + "naming the commit of the revision (no X-Repo-Commit header)");
                }
                current = next;
                continue;
            }
            if (status >= 200 && status < 400) {
                throw new ModelUnavailableException(Urls.redact(current) + " answered " + status + " without naming "
                        + "the commit of the revision (no X-Repo-Commit header), so it does not behave like a Hugging "
                        + "Face hub; pin a full commit (hf-hub:<repo>@<40-hex commit>) to fetch without resolving one");
            }
            String message = statusMessage(status, current, uri);
            throw status >= 500 || status == 429
                    ? new UnreachableException(message, null)
                    : new ModelUnavailableException(message);
        }
    }

    private <T> HttpResponse<T> send(URI uri, String method, HttpResponse.BodyHandler<T> body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(readTimeout)
                .header("User-Agent", "inception-classifier")
                // sizes and digests are those of the plain bytes
                .header("Accept-Encoding", "identity")
                .method(method, HttpRequest.BodyPublishers.noBody());
        // bound to the hub's origin: never sent to a CDN or any other host a redirect points to
        if (token != null && Urls.origin(uri).equals(hubOrigin)) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return client.send(request.build(), body);
        } catch (HttpConnectTimeoutException e) {
            throw new UnreachableException("connect to " + Urls.redact(uri) + " timed out", e);
        } catch (HttpTimeoutException e) {
            throw new UnreachableException(
                    "no response from " + Urls.redact(uri) + " within " + seconds(readTimeout), e);
        } catch (ConnectException e) {
            throw new UnreachableException("cannot connect to " + Urls.redact(uri) + ": " + connectFailure(e, uri), e);
        } catch (IOException e) {
            throw new UnreachableException("request to " + Urls.redact(uri) + " failed: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelUnavailableException("interrupted while fetching " + Urls.redact(uri), e);
        }
    }

    /**
     * Deletes the {@code .part} files below {@code dir} (a few levels deep) that no live download is writing: those a
     * killed process left behind. A live download touches its file at least every read timeout.
     */
    void removeStaleParts(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        long cutoff = System.currentTimeMillis() - staleAfter.toMillis();
        try (Stream<Path> files = Files.walk(dir, 4)) {
            files.filter(p -> p.getFileName().toString().endsWith(PART_SUFFIX)).forEach(p -> {
                try {
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(p).toMillis() < cutoff) {
                        Files.delete(p);
                        log.info("Removed {}, left by an interrupted download", p);
                    }
                } catch (IOException e) {
                    log.debug("could not remove {}", p, e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.debug("could not list {}", dir, e);
        }
    }

    private static String connectFailure(ConnectException e, URI uri) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (root instanceof UnresolvedAddressException) {
            return "unknown host " + uri.getHost();
        }
        // the JDK reports a refused connection as a ConnectException without a message
        return e.getMessage() != null ? e.getMessage() : "connection refused";
    }

    /** The exception's own message, or its cause's (the JDK's ConnectException often has none). */
    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private void stream(
            URI original,
            URI current,
            HttpResponse<InputStream> response,
            Expected expected,
            Path target,
            long maxBytes,
            Pin pin) {
        String where = Urls.redact(current);
        String encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
        long contentLength =
                response.headers().firstValueAsLong("Content-Length").orElse(-1);
        try (InputStream in = response.body()) {
            if (!encoding.equalsIgnoreCase("identity")) {
                throw new ModelUnavailableException("unrequested Content-Encoding " + encoding + " from " + where);
            }
            if (contentLength >= 0 && expected.size >= 0 && contentLength != expected.size) {
                throw new ModelUnavailableException("size mismatch for " + where + ": Content-Length " + contentLength
                        + " but the hub announced " + expected.size + " bytes");
            }
            long size = expected.size >= 0 ? expected.size : contentLength;
            if (size > maxBytes) {
                throw new ModelUnavailableException(where + " is " + size + " bytes, more than the " + maxBytes
                        + " accepted" + limitName(maxBytes));
            }
            writeVerified(in, where, size, expected.sha256, target, maxBytes, pin);
        } catch (IOException e) {
            // only close() gets here; the body was fully handled
            log.debug("closing the response of {} failed", where, e);
        }
        log.info(
                "Downloaded {} to {}{}",
                Urls.redact(original),
                target,
                pin != null ? " (sha256 pin verified)" : expected.sha256 != null ? " (sha256 verified)" : "");
    }

    private void writeVerified(
            InputStream in, String where, long size, String sha256, Path target, long maxBytes, Pin pin) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Sha256Files.partFile(target.toAbsolutePath());
        boolean moved = false;
        AtomicBoolean stalled = new AtomicBoolean();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "download-watchdog");
            t.setDaemon(true);
            return t;
        });
        try {
            Files.createDirectories(dir);
            log.info("Downloading {}{} ...", where, size >= 0 ? " (" + size + " bytes)" : "");
            MessageDigest digest = Urls.newSha256();
            AtomicLong lastProgress = new AtomicLong(System.nanoTime());
            // the JDK client has no read timeout for bodies: close the stream when no byte came for readTimeout
            long period = Math.max(10, Math.min(1000, readTimeout.toMillis() / 4));
            watchdog.scheduleWithFixedDelay(
                    () -> {
                        if (System.nanoTime() - lastProgress.get() > readTimeout.toNanos()) {
                            stalled.set(true);
                            closeQuietly(in);
                        }
                    },
                    period,
                    period,
                    TimeUnit.MILLISECONDS);
            long count = 0;
            long lastLog = System.nanoTime();
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = read(in, buffer, where, count, size, stalled)) != -1) {
                    lastProgress.set(System.nanoTime());
                    count += n;
                    if (count > maxBytes || (size >= 0 && count > size)) {
                        throw new ModelUnavailableException("download of " + where + " is larger than "
                                + (count > maxBytes
                                        ? "the " + maxBytes + " bytes accepted" + limitName(maxBytes)
                                        : size + " bytes"));
                    }
                    digest.update(buffer, 0, n);
                    ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    if (System.nanoTime() - lastLog > PROGRESS_LOG_NANOS) {
                        lastLog = System.nanoTime();
                        log.info("Downloading {}: {} of {} bytes", where, count, size >= 0 ? size : "?");
                    }
                }
                if (stalled.get()) {
                    throw new ModelUnavailableException("download of " + where + " stalled: no data for "
                            + seconds(readTimeout) + " after " + count + " bytes");
                }
                if (size >= 0 && count != size) {
                    throw new ModelUnavailableException(
                            "download of " + where + " was truncated: received " + count + " of " + size + " bytes");
                }
                String actual = HexFormat.of().formatHex(digest.digest());
                if (sha256 != null && !actual.equals(sha256)) {
                    throw new ModelUnavailableException("sha256 mismatch for " + where + ": the hub announced " + sha256
                            + ", the download hashes to " + actual);
                }
                if (pin != null && !actual.equals(pin.sha256())) {
                    throw new IntegrityException(
                            Sha256Files.pinMismatch(target.getFileName().toString(), where, pin, actual)
                                    + " The download was not stored.");
                }
                out.force(true);
                // the record first: a file in the cache without one is never used unverified
                Sha256Files.record(target, actual);
            }
            move(tmp, target);
            moved = true;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new ModelUnavailableException("saving " + where + " to " + target + " failed: " + describe(e), e);
        } finally {
            watchdog.shutdownNow();
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    log.warn("could not delete the partial download {}", tmp, e);
                }
            }
        }
    }

    /** One read, with a message that says what went wrong: a stall, a truncated body, or another failure. */
    private int read(InputStream in, byte[] buffer, String where, long count, long size, AtomicBoolean stalled) {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            String reason = stalled.get()
                    ? "stalled: no data for " + seconds(readTimeout) + " after " + count + " bytes"
                    : size >= 0
                            ? "was truncated: received " + count + " of " + size + " bytes (" + describe(e) + ")"
                            : "failed after " + count + " bytes: " + describe(e);
            throw new ModelUnavailableException("download of " + where + " " + reason, e);
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // same folder, so only on odd file systems; the temporary file is complete and verified, so a plain
            // replace still never exposes a partial file
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename durable; not every platform can open a folder, which is harmless. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("could not sync folder {}", dir, e);
        }
    }

    private String limitName(long limit) {
        return limit == maxDownloadBytes ? " (classifier.hub.max-download-size)" : " for this file";
    }

    private static String seconds(Duration d) {
        return d.toMillis() / 1000.0 + " s";
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing to do: the exchange is abandoned
        }
    }

    /** What the hub says about the file: its size and sha256, possibly on a redirect response before the CDN's. */
    private static final class Expected {
        long size = -1;
        String sha256;

        void collect(HttpHeaders headers, boolean fromHub) {
            headers.firstValueAsLong("X-Linked-Size").ifPresent(s -> {
                if (size < 0) {
                    size = s;
                }
            });
            if (sha256 == null) {
                sha256 = sha256(headers.firstValue("X-Linked-Etag").orElse(null));
            }
            // a hub's plain ETag is the LFS sha256 (or a git sha1: ignored); other servers' ETags may mean anything
            if (sha256 == null && fromHub) {
                sha256 = sha256(headers.firstValue("ETag").orElse(null));
            }
        }

        private static String sha256(String etag) {
            if (etag == null || etag.startsWith("W/")) {
                return null;
            }
            String v = etag.replace("\"", "").trim().toLowerCase(Locale.ROOT);
            return SHA256.matcher(v).matches() ? v : null;
        }
    }
}
