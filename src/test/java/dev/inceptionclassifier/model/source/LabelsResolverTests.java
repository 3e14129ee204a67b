package dev.inceptionclassifier.model.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inceptionclassifier.support.FakeServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LabelsResolverTests {

    private static final String TENCH = "tench, Tinca tinca";
    private static final String TOILET_TISSUE = "toilet tissue, toilet paper, bathroom tissue";

    @TempDir
    Path tmp;

    @RegisterExtension
    final FakeServer server = new FakeServer();

    private Path cache;

    @BeforeEach
    void setUp() {
        cache = tmp.resolve("cache");
    }

    /** The shared reference copies of timm's label files; the test is skipped where they are absent. */
    private static Path imagenetReference() {
        String dir = System.getProperty("reference.dir");
        Path imagenet = dir == null ? null : Path.of(dir, "imagenet");
        assumeTrue(
                imagenet != null && Files.isDirectory(imagenet),
                "reference data not found (system property reference.dir=" + dir
                        + "): skipping the ImageNet labels test");
        return imagenet;
    }

    private void serveImagenetLabels() throws IOException {
        Path ref = imagenetReference();
        server.file("/_info/imagenet_synsets.txt", Files.readAllBytes(ref.resolve("imagenet_synsets.txt")));
        server.file(
                "/_info/imagenet_synset_to_lemma.txt", Files.readAllBytes(ref.resolve("imagenet_synset_to_lemma.txt")));
    }

    private LabelsResolver resolver(boolean offline) {
        return new LabelsResolver(TestProps.cache(cache)
                .offline(offline)
                .labelsBaseUrl(server.url("/_info/"))
                .build());
    }

    @Test
    void imagenetAliasJoinsSynsetsAndLemmasThenUsesTheCache() throws IOException {
        serveImagenetLabels();

        List<String> labels = resolver(false).resolve("imagenet-1k", 1000);

        assertThat(labels).hasSize(1000);
        assertThat(labels.get(0)).isEqualTo(TENCH);
        assertThat(labels.get(999)).isEqualTo(TOILET_TISSUE);
        assertThat(server.requestCount()).isEqualTo(2);

        assertThat(resolver(true).resolve("imagenet-1k", 1000)).isEqualTo(labels);
        assertThat(resolver(false).resolve("imagenet-1k", 1000)).isEqualTo(labels);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void imagenetAliasMatchesTheDerivedTable() throws IOException {
        serveImagenetLabels();
        List<String> table = LabelsResolver.parseLabels(
                Files.readString(imagenetReference().resolve("imagenet1k_index_synset_lemma.tsv")), "tsv");

        assertThat(resolver(false).resolve("imagenet-1k", 1000)).isEqualTo(table);
        assertThat(resolver(false)
                        .resolve(
                                imagenetReference()
                                        .resolve("imagenet1k_index_synset_lemma.tsv")
                                        .toString(),
                                1000))
                .isEqualTo(table);
    }

    @Test
    void imagenetAliasForAModelWithAnotherClassCountFails() throws IOException {
        serveImagenetLabels();

        assertThatThrownBy(() -> resolver(false).resolve("imagenet-1k", 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1000 labels")
                .hasMessageContaining("10 classes");
    }

    @Test
    void imagenetAliasOfflineWithAnEmptyCacheFails() {
        assertThatThrownBy(() -> resolver(true).resolve("imagenet-1k", 1000))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("imagenet_synsets.txt")
                .hasMessageContaining(cache.toString())
                .hasMessageContaining("offline");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void imagenetAliasWithTheFilesMissingOnTheServerFails() {
        assertThatThrownBy(() -> resolver(false).resolve("imagenet-1k", 1000))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining(server.url("/_info/imagenet_synsets.txt"));
        assertThat(cache.resolve("url")).doesNotExist();
    }

    @Test
    void plainLabelsFileOneLabelPerLine() throws IOException {
        Path file = Files.writeString(tmp.resolve("labels.txt"), "\uFEFFcat\r\ndog\r\n bird \n\n");

        assertThat(resolver(false).resolve(file.toString(), 3)).containsExactly("cat", "dog", "bird");
        assertThat(resolver(false).resolve(file.toUri().toString(), 3)).containsExactly("cat", "dog", "bird");
        assertThatThrownBy(() -> resolver(false).resolve(file.toString(), 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 labels")
                .hasMessageContaining("4 classes");
    }

    @Test
    void tabSeparatedLabelsTakeTheLabelColumn() throws IOException {
        Path file = Files.writeString(tmp.resolve("labels.tsv"), "0\tn01\tcat, kitty\n1\tn02\tdog\n");

        assertThat(resolver(false).resolve(file.toString(), 2)).containsExactly("cat, kitty", "dog");
    }

    @Test
    void tabSeparatedLabelsWithIndicesOutOfOrderAreRejected() throws IOException {
        Path shuffled = Files.writeString(tmp.resolve("shuffled.tsv"), "1\tn02\tdog\n0\tn01\tcat\n");
        Path twoColumns = Files.writeString(tmp.resolve("two.tsv"), "n01\tcat\nn02\tdog\n");

        assertThatThrownBy(() -> resolver(false).resolve(shuffled.toString(), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1 has index '1'; expected 0");
        assertThatThrownBy(() -> resolver(false).resolve(twoColumns.toString(), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 tab-separated columns");
    }

    @Test
    void missingLabelsFileIsReported() {
        Path missing = tmp.resolve("nope.txt");

        assertThatThrownBy(() -> resolver(false).resolve(missing.toString(), 3))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void labelsUrlIsDownloadedAndCached() {
        server.file("/labels/classes.txt", "a\nb\nc\n".getBytes(StandardCharsets.UTF_8));
        String url = server.url("/labels/classes.txt");

        assertThat(resolver(false).resolve(url, 3)).containsExactly("a", "b", "c");
        assertThat(resolver(true).resolve(url, 3)).containsExactly("a", "b", "c");
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(cache.resolve("url").resolve(Urls.sha256Hex(url)).resolve("classes.txt"))
                .isRegularFile();
    }

    @Test
    void cachedLabelsAreVerifiedOnEveryLoadAndLeftoversAreRemoved() throws IOException {
        server.file("/labels/classes.txt", "a\nb\nc\n".getBytes(StandardCharsets.UTF_8));
        String url = server.url("/labels/classes.txt");
        resolver(false).resolve(url, 3);
        Path dir = cache.resolve("url").resolve(Urls.sha256Hex(url));
        Files.writeString(dir.resolve("classes.txt"), "x\ny\nz\n");
        Path stale = Files.write(dir.resolve(".classes.txt.5e5e.part"), new byte[3]);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(1))));

        assertThatThrownBy(() -> resolver(true).resolve(url, 3))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("corrupt");
        assertThat(stale).doesNotExist();
        assertThat(resolver(false).resolve(url, 3)).containsExactly("a", "b", "c");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void plainHttpLabelsUrlOnAnotherHostIsRefused() {
        assertThatThrownBy(() -> resolver(false).resolve("http://example.com/labels.txt", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain http is refused");
    }

    @Test
    void synsetWithoutALemmaIsReported() {
        assertThatThrownBy(() -> LabelsResolver.joinSynsets(List.of("n1", "n2"), List.of("n1\tone")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("synset n2 (class 1) has no lemma");
    }
}
