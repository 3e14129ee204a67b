package dev.inceptionclassifier.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds dead relative links in Markdown files: a link to a file or folder that does not exist, or to an
 * {@code #anchor} that no heading of the target Markdown file has. Links with a scheme ({@code https:},
 * {@code mailto:}) are not followed.
 */
final class MarkdownLinks {

    /** Folders never searched: build output, installed packages, git's own. */
    private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "target", "node_modules");
    /** Paths, relative to the root, never searched: the npm packages of the dashboard schema check. */
    private static final Set<Path> SKIPPED_PATHS = Set.of(Path.of(".ci", "deploy-node"));

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*|^//.*");

    /** One dead link: where it is, what it points to, and why it is dead. */
    record DeadLink(Path file, int line, String destination, String reason) {

        @Override
        public String toString() {
            return file + ":" + line + ": (" + destination + ") " + reason;
        }
    }

    private final Path root;
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    MarkdownLinks(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Every {@code .md} file under the root, outside the skipped folders, sorted. */
    List<Path> markdownFiles() {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    Path relative = root.relativize(dir);
                    return SKIPPED_FOLDERS.contains(dir.getFileName().toString()) || SKIPPED_PATHS.contains(relative)
                            ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && file.getFileName().toString().endsWith(".md")) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        return files;
    }

    /** The dead links of the given files, in file and line order. */
    List<DeadLink> check(List<Path> files) {
        List<DeadLink> dead = new ArrayList<>();
        for (Path file : files) {
            Path source = file.toAbsolutePath().normalize();
            for (Markdown.Link link : Markdown.parse(read(source)).links()) {
                String reason = problem(source, link.destination());
                if (reason != null) {
                    dead.add(new DeadLink(root.relativize(source), link.line(), link.destination(), reason));
                }
            }
        }
        return dead;
    }

    /** Why {@code destination}, written in {@code source}, is dead; null when it resolves or is not relative. */
    private String problem(Path source, String destination) {
        if (SCHEME.matcher(destination).matches()) {
            return null;
        }
        int hash = destination.indexOf('#');
        String path = hash < 0 ? destination : destination.substring(0, hash);
        String anchor = hash < 0 ? null : destination.substring(hash + 1);
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        Path target;
        if (path.isEmpty()) {
            target = source;
        } else {
            String decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
            Path base = decoded.startsWith("/") ? root : source.getParent();
            target = base.resolve(decoded.startsWith("/") ? decoded.substring(1) : decoded)
                    .normalize();
            if (!target.startsWith(root)) {
                return "points outside the repository";
            }
            if (!Files.exists(target)) {
                return "no such file: " + root.relativize(target);
            }
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (Files.isDirectory(target)) {
            // GitHub shows a folder's README.md below its listing; anchors point into it.
            target = target.resolve("README.md");
            if (!Files.isRegularFile(target)) {
                return "anchor #" + anchor + " into a folder without README.md";
            }
        }
        if (!target.getFileName().toString().endsWith(".md")) {
            return null; // anchors into other files (#L10 line links) are GitHub's business
        }
        Set<String> known =
                anchors.computeIfAbsent(target, t -> Markdown.parse(read(t)).anchors());
        return known.contains(anchor) ? null : "no heading with anchor #" + anchor + " in " + root.relativize(target);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
