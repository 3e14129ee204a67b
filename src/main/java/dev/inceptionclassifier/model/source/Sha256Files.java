package dev.inceptionclassifier.model.source;

import dev.inceptionclassifier.model.source.Pins.Pin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's record of what each downloaded file hashes to: a sidecar {@code <file>.sha256} in {@code sha256sum}'s
 * format, written when the download was verified and before the file itself appears (so {@code sha256sum -c} checks
 * a cache folder by hand too). A cached file is used only after it hashed, on this load, to its record and to its
 * pin; one that no longer matches its record is deleted as corrupt, and a download replaces it.
 */
final class Sha256Files {

    static final String SUFFIX = ".sha256";

    private static final Logger log = LoggerFactory.getLogger(Sha256Files.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Sha256Files() {}

    /** What a look at a cached file found. */
    enum State {
        /** Hashed to its record and to its pin: use it. */
        VERIFIED("verified"),
        /** Not in the cache. */
        MISSING("not in the cache"),
        /** There, but with neither a record nor a pin to check it against: not used (a download replaces it). */
        UNRECORDED("there without a recorded sha256 (not downloaded by this version, or copied in by hand)"),
        /** Did not hash to its record: deleted. */
        CORRUPT("corrupt (it no longer hashed to the sha256 recorded at download) and was deleted"),
        /** Not the pinned file: kept (it may be the only copy of what the source served), never used. */
        PIN_MISMATCH("not the pinned file");

        final String description;

        State(String description) {
            this.description = description;
        }
    }

    /**
     * The state of one file; for {@link State#PIN_MISMATCH} the integrity message, and whether the file still is
     * exactly what was downloaded (then fetching the same immutable source again cannot help).
     */
    record Check(State state, String pinMessage, boolean asDownloaded) {

        Check(State state) {
            this(state, null, false);
        }
    }

    /** sha256 of {@code file}'s content, as lowercase hex. */
    static String digest(Path file) throws IOException {
        MessageDigest digest = Urls.newSha256();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static Path sidecar(Path file) {
        return file.resolveSibling(file.getFileName() + SUFFIX);
    }

    /** The sha256 recorded for {@code file}, or null when there is no (readable, well-formed) record. */
    static String recorded(Path file) {
        Path sidecar = sidecar(file);
        try {
            if (!Files.isRegularFile(sidecar) || Files.size(sidecar) > 4096) {
                return null;
            }
            String text = Files.readString(sidecar, StandardCharsets.US_ASCII).trim();
            String hex = (text.indexOf(' ') < 0 ? text : text.substring(0, text.indexOf(' '))).toLowerCase(Locale.ROOT);
            return SHA256.matcher(hex).matches() ? hex : null;
        } catch (IOException e) {
            log.debug("cannot read {}", sidecar, e);
            return null;
        }
    }

    /** Records {@code sha256} for {@code file}, atomically (a temporary {@code .part} file, then a rename). */
    static void record(Path file, String sha256) throws IOException {
        Path sidecar = sidecar(file);
        Path tmp = partFile(sidecar);
        try {
            Files.writeString(tmp, sha256 + "  " + file.getFileName() + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, sidecar, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, sidecar, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A temporary name next to {@code target}: hidden, unique, and ending in {@code .part} (cleaned up if left). */
    static Path partFile(Path target) {
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return target.resolveSibling("." + target.getFileName() + "." + random + Downloader.PART_SUFFIX);
    }

    /**
     * Checks a file of the cache against its record, then its pin (null: none). A file that fails its record is
     * corrupt and deleted; one that is intact but not the pinned file is kept and reported, never used.
     *
     * @param what the source, for messages
     */
    static Check checkCached(Path file, Pin pin, String what) {
        if (!Files.isRegularFile(file)) {
            return new Check(State.MISSING);
        }
        String recorded = recorded(file);
        if (recorded == null && pin == null) {
            return new Check(State.UNRECORDED);
        }
        String actual;
        try {
            actual = digest(file);
        } catch (IOException e) {
            log.warn("Cannot read the cached {}: {}; fetching it again", file, e.getMessage());
            return new Check(State.CORRUPT);
        }
        if (recorded != null && !actual.equals(recorded)) {
            delete(file);
            log.warn(
                    "The cached {} hashes to {}, not to the {} recorded when it was downloaded: deleted as corrupt",
                    file,
                    actual,
                    recorded);
            return new Check(State.CORRUPT);
        }
        if (pin != null && !actual.equals(pin.sha256())) {
            String message = pinMismatch(file.getFileName().toString(), what, pin, actual) + " The cached copy (" + file
                    + ") is not used.";
            log.warn(message);
            return new Check(State.PIN_MISMATCH, message, recorded != null);
        }
        log.info(
                "Verified {} of {} (sha256 {}{})",
                file.getFileName(),
                what,
                actual,
                pin != null ? ", pinned" : ", as recorded at download");
        return new Check(State.VERIFIED);
    }

    /** Checks a file that is used in place (a local folder or file) against its pin; it is never deleted. */
    static void checkInPlace(Path file, Pin pin, String what) {
        if (pin == null) {
            return;
        }
        String actual;
        try {
            actual = digest(file);
        } catch (IOException e) {
            throw new ModelUnavailableException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!actual.equals(pin.sha256())) {
            throw new IntegrityException(pinMismatch(file.getFileName().toString(), what, pin, actual));
        }
        log.info("Verified {} (sha256 {}, pinned)", file, actual);
    }

    /** The one-paragraph message of a file that is not the pinned one. */
    static String pinMismatch(String file, String what, Pin pin, String actual) {
        return "sha256 mismatch: " + file + " of " + what + " hashes to " + actual + ", but classifier.models[]."
                + pin.property() + " pins " + pin.sha256() + ". Either the pin is wrong or the source now serves "
                + "different content (a moved branch, a replaced file); check the source, and change the pin only "
                + "if you trust the new file.";
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}", file, e);
        }
    }
}
