package dev.inceptionclassifier.model.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * One hub repository in the cache, laid out as {@code huggingface_hub} does:
 * {@code <cache>/hub/models--<owner>--<name>/refs/<revision>} holds the commit a branch or tag last resolved to, and
 * {@code snapshots/<commit>/} the files of that commit (each with its {@code .sha256} record). Files are keyed by
 * commit, never by a branch name, so a branch that moves gets a new snapshot.
 */
final class HubCache {

    /** A full commit id: immutable, so a snapshot under it never needs the network again. */
    static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path repoDir;

    HubCache(Path cache, String repo) {
        this.repoDir = cache.resolve("hub").resolve("models--" + repo.replace("/", "--"));
    }

    Path repoDir() {
        return repoDir;
    }

    Path snapshot(String commit) {
        return repoDir.resolve("snapshots").resolve(commit);
    }

    /** The commit {@code revision} last resolved to, or null when it never was (or the ref file is not a commit). */
    String ref(String revision) {
        Path file = refFile(revision);
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > 256) {
                return null;
            }
            String commit = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return COMMIT.matcher(commit).matches() ? commit : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Records that {@code revision} points to {@code commit}, atomically. */
    void writeRef(String revision, String commit) throws IOException {
        Path file = refFile(revision);
        Files.createDirectories(file.getParent());
        Path tmp = Sha256Files.partFile(file);
        try {
            // no newline, as huggingface_hub writes it
            Files.writeString(tmp, commit, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** refs/<revision>; a revision such as refs/pr/1 becomes subfolders (it was validated: no '..', no empty part). */
    private Path refFile(String revision) {
        Path file = repoDir.resolve("refs");
        for (String part : revision.split("/")) {
            file = file.resolve(part);
        }
        return file;
    }
}
