package dev.inceptionclassifier.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No Markdown file of the repository links to a file or heading that does not exist; and the checker itself. */
class MarkdownLinksTests {

    static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void everyRelativeLinkInTheRepositoryResolves() {
        assertThat(ROOT.resolve("pom.xml"))
                .as("tests run from the project root")
                .isRegularFile();
        MarkdownLinks checker = new MarkdownLinks(ROOT);
        List<Path> files = checker.markdownFiles();
        assertThat(files)
                .contains(
                        ROOT.resolve("README.md"),
                        ROOT.resolve("docs/api.md"),
                        ROOT.resolve("docs/configuration.md"),
                        ROOT.resolve("bench/README.md"));
        assertThat(checker.check(files)).as("dead links").isEmpty();
    }

    @Test
    void aLinkToAMissingFileIsDead() throws IOException {
        write("a.md", "See [b](b.md), [the guide](docs/guide.md#setup) and ![diagram](img/flow.png).\n");
        write("b.md", "# B\n");

        assertThat(deadLinks())
                .extracting(MarkdownLinks.DeadLink::destination)
                .containsExactly("docs/guide.md#setup", "img/flow.png");
        assertThat(deadLinks().get(0).reason()).isEqualTo("no such file: docs/guide.md");
        assertThat(deadLinks().get(0).line()).isEqualTo(1);
    }

    @Test
    void aLinkToAMissingHeadingIsDead() throws IOException {
        write("a.md", """
                # Title

                ## Set-up

                [ok](b.md#the-api), [ok too](#set-up), [wrong case](#Set-up),
                [gone](b.md#the-apis), [gone here](#setup)
                """);
        write("b.md", "## The API\n");

        assertThat(deadLinks())
                .extracting(MarkdownLinks.DeadLink::destination)
                .containsExactly("#Set-up", "b.md#the-apis", "#setup");
        assertThat(deadLinks().get(1).reason()).isEqualTo("no heading with anchor #the-apis in b.md");
    }

    @Test
    void anchorsFollowGitHubsRules() {
        Markdown md = Markdown.parse("""
                # `POST /classify`
                ## Engine, saturation, 50% and 3x overload
                ### Load generator (`bench/run-load.sh`)
                ## Soak (native memory vs request count)
                ## **Bold** and [a link](https://example.com) and <b>html</b>
                ## snake_case and _emphasis_
                ## Über Größe ##
                ## Limits
                ## Limits
                Setext title
                ============
                ```
                # not a heading
                ```
                <a id="custom-anchor"></a>
                """);

        assertThat(md.anchors())
                .containsExactly(
                        "post-classify",
                        "engine-saturation-50-and-3x-overload",
                        "load-generator-benchrun-loadsh",
                        "soak-native-memory-vs-request-count",
                        "bold-and-a-link-and-html",
                        "snake_case-and-emphasis",
                        "über-größe",
                        "limits",
                        "limits-1",
                        "setext-title",
                        "custom-anchor");
    }

    @Test
    void linksInCodeAreNotLinks() throws IOException {
        write("a.md", """
                `[inline](missing-1.md)` and ``[double](missing-2.md)``

                ```bash
                echo "[fenced](missing-3.md)"
                ```

                ~~~
                [tilde](missing-4.md)
                ~~~
                """);

        assertThat(deadLinks()).isEmpty();
    }

    @Test
    void everyFormOfAValidLinkResolves() throws IOException {
        write("docs/guide.md", """
                # Guide
                [up](../README.md#project), [folder](sub), [folder anchor](sub#sub-readme), [root](/README.md),
                [spaces](<my file.md>), [encoded](my%20file.md), [titled](../README.md "Title"),
                [web](https://example.com/missing.md), [mail](mailto:a@example.com), [self](#guide),
                [line](../code.txt#L10), [ref]

                [ref]: sub/README.md#sub-readme
                <a href="../README.md#project">html</a>
                """);
        write("docs/my file.md", "x\n");
        write("docs/sub/README.md", "# Sub README\n");
        write("README.md", "## Project\n");
        write("code.txt", "x\n");

        assertThat(deadLinks()).isEmpty();
    }

    @Test
    void aLinkLeavingTheRepositoryIsDead() throws IOException {
        write("docs/a.md", "[style](../../shared/STYLE.md)\n");

        assertThat(deadLinks())
                .extracting(MarkdownLinks.DeadLink::reason)
                .containsExactly("points outside the repository");
    }

    @Test
    void buildOutputAndInstalledPackagesAreNotSearched() throws IOException {
        write("target/generated.md", "[x](missing.md)\n");
        write("bench/target/site.md", "[x](missing.md)\n");
        write("node_modules/pkg/README.md", "[x](missing.md)\n");
        write(".ci/deploy-node/notes.md", "[x](missing.md)\n");
        write(".ci/notes.md", "[x](missing.md)\n");

        assertThat(new MarkdownLinks(dir).markdownFiles()).containsExactly(dir.resolve(".ci/notes.md"));
    }

    private List<MarkdownLinks.DeadLink> deadLinks() {
        MarkdownLinks checker = new MarkdownLinks(dir);
        return checker.check(checker.markdownFiles());
    }

    private void write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
