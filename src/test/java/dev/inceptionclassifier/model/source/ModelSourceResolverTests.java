package dev.inceptionclassifier.model.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.source.ResolvedSource.RandomWeights;
import dev.inceptionclassifier.model.source.ResolvedSource.TimmCheckpoint;
import dev.inceptionclassifier.model.source.ResolvedSource.TorchScript;
import dev.inceptionclassifier.support.FakeServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class ModelSourceResolverTests {

    private static final String REPO = "timm/inception_v4.tf_in1k";
    private static final String TOKEN = "hf_SECRETtoken123";
    private static final byte[] CONFIG =
            "{\"architecture\": \"inception_v4\", \"num_classes\": 1000}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = randomBytes(300_000, 1);
    private static final String COMMIT_A = "0123456789abcdef0123456789abcdef01234567";
    private static final String COMMIT_B = "89abcdef0123456789abcdef0123456789abcdef";
    private static final String REPO_DIR = "hub/models--timm--inception_v4.tf_in1k";

    @TempDir
    Path tmp;

    @RegisterExtension
    final FakeServer hub = new FakeServer();

    @RegisterExtension
    final FakeServer cdn = FakeServer.onOtherHost();

    private Path cache;

    @BeforeEach
    void setUp() {
        cache = tmp.resolve("cache");
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String resolvePath(String repo, String revision, String file) {
        return "/" + repo + "/resolve/" + revision + "/" + file;
    }

    /**
     * The hub's layout at one commit: config.json served directly, the LFS weights redirected to a CDN on another
     * host, with the headers the hub sends.
     */
    private void serveCommit(String repo, String commit, byte[] weights, String announcedSha, long announcedSize) {
        hub.file(
                resolvePath(repo, commit, "config.json"),
                CONFIG,
                Map.of("ETag", "\"" + "a".repeat(40) + "\"", "X-Repo-Commit", commit));
        String cdnPath = "/lfs/" + Urls.sha256Hex(weights);
        hub.redirect(
                resolvePath(repo, commit, "model.safetensors"),
                cdn.url(cdnPath) + "?X-Amz-Signature=abc",
                Map.of(
                        "X-Linked-Etag",
                        "\"" + announcedSha + "\"",
                        "X-Linked-Size",
                        Long.toString(announcedSize),
                        "X-Repo-Commit",
                        commit));
        cdn.file(cdnPath, weights, Map.of("ETag", "\"d41d8cd98f00b204e9800998ecf8427e-3\""));
    }

    /**
     * A branch or tag pointing at {@code commit}: the hub names the commit in X-Repo-Commit. Its body is not the
     * commit's config, so a client that downloads by branch instead of by commit would notice.
     */
    private void pointRef(String repo, String encodedRef, String commit) {
        hub.file(
                resolvePath(repo, encodedRef, "config.json"),
                "{\"not\": \"by ref\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Repo-Commit", commit));
    }

    /** {@code main} of {@link #REPO} at {@link #COMMIT_A} with {@link #WEIGHTS}. */
    private void serveHubRepo() {
        serveCommit(REPO, COMMIT_A, WEIGHTS, Urls.sha256Hex(WEIGHTS), WEIGHTS.length);
        pointRef(REPO, "main", COMMIT_A);
    }

    private Path snapshot(String commit) {
        return cache.resolve(REPO_DIR).resolve("snapshots").resolve(commit);
    }

    private ModelSourceResolver resolver(TestProps props) {
        return new ModelSourceResolver(props.build());
    }

    private TestProps props() {
        return TestProps.cache(cache).endpoint(hub.base());
    }

    private List<Path> filesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void resolvesTheBranchToACommitAndDownloadsBothFilesOfThatCommit() throws IOException {
        serveHubRepo();

        ResolvedSource first = resolver(props()).resolve("hf-hub:" + REPO, null);

        assertThat(first).isInstanceOf(TimmCheckpoint.class);
        TimmCheckpoint ckpt = (TimmCheckpoint) first;
        assertThat(ckpt.description()).isEqualTo("hf-hub:timm/inception_v4.tf_in1k@" + COMMIT_A);
        assertThat(ckpt.configJson()).isEqualTo(snapshot(COMMIT_A).resolve("config.json"));
        assertThat(ckpt.weights()).isEqualTo(snapshot(COMMIT_A).resolve("model.safetensors"));
        assertThat(Files.readAllBytes(ckpt.configJson())).isEqualTo(CONFIG);
        assertThat(Files.readAllBytes(ckpt.weights())).isEqualTo(WEIGHTS);
        assertThat(Files.readString(cache.resolve(REPO_DIR).resolve("refs/main")))
                .isEqualTo(COMMIT_A);
        assertThat(Files.readString(snapshot(COMMIT_A).resolve("model.safetensors.sha256")))
                .isEqualTo(Urls.sha256Hex(WEIGHTS) + "  model.safetensors\n");
        // one HEAD by branch to learn the commit, then both files by commit
        assertThat(hub.log())
                .containsExactly(
                        "HEAD " + resolvePath(REPO, "main", "config.json"),
                        "GET " + resolvePath(REPO, COMMIT_A, "config.json"),
                        "GET " + resolvePath(REPO, COMMIT_A, "model.safetensors"));
        assertThat(cdn.requestCount()).isEqualTo(1);

        ResolvedSource second = resolver(props()).resolve("hf-hub:" + REPO, null);

        assertThat(second).isEqualTo(first);
        assertThat(hub.log()).hasSize(4).last().isEqualTo("HEAD " + resolvePath(REPO, "main", "config.json"));
        assertThat(cdn.requestCount()).isEqualTo(1);
    }

    @Test
    void defaultSourceIsTheTimmRepositoryOfTheArchitecture() {
        String repo = "timm/inception_resnet_v2.tf_in1k";
        serveCommit(repo, COMMIT_A, WEIGHTS, Urls.sha256Hex(WEIGHTS), WEIGHTS.length);
        pointRef(repo, "main", COMMIT_A);

        ResolvedSource resolved = resolver(props()).resolve(null, Architecture.INCEPTION_RESNET_V2);

        assertThat(resolved.description()).isEqualTo("hf-hub:timm/inception_resnet_v2.tf_in1k@" + COMMIT_A);
        assertThat(hub.log()).contains("HEAD " + resolvePath(repo, "main", "config.json"));
    }

    @Test
    void eachRevisionHasItsOwnRefAndSnapshot() throws IOException {
        byte[] v1 = randomBytes(1000, 7);
        serveCommit("org/model", COMMIT_A, v1, Urls.sha256Hex(v1), v1.length);
        pointRef("org/model", "v1.0", COMMIT_A);
        byte[] pr = randomBytes(1000, 8);
        serveCommit("org/model", COMMIT_B, pr, Urls.sha256Hex(pr), pr.length);
        pointRef("org/model", "refs%2Fpr%2F1", COMMIT_B);

        TimmCheckpoint a = (TimmCheckpoint) resolver(props()).resolve("hf-hub:org/model@v1.0", null);
        TimmCheckpoint b = (TimmCheckpoint) resolver(props()).resolve("hf-hub:org/model@refs/pr/1", null);

        Path repoDir = cache.resolve("hub/models--org--model");
        assertThat(a.description()).isEqualTo("hf-hub:org/model@" + COMMIT_A);
        assertThat(Files.readAllBytes(a.weights())).isEqualTo(v1);
        assertThat(b.weights()).isEqualTo(repoDir.resolve("snapshots/" + COMMIT_B + "/model.safetensors"));
        assertThat(Files.readAllBytes(b.weights())).isEqualTo(pr);
        assertThat(Files.readString(repoDir.resolve("refs/v1.0"))).isEqualTo(COMMIT_A);
        assertThat(Files.readString(repoDir.resolve("refs/refs/pr/1"))).isEqualTo(COMMIT_B);
    }

    @Test
    void aBranchThatMovedIsFetchedAtItsNewCommitAndOfflineUsesTheCommitLastResolved() throws IOException {
        serveHubRepo();
        TimmCheckpoint before = (TimmCheckpoint) resolver(props()).resolve("hf-hub:" + REPO, null);
        byte[] retrained = randomBytes(300_000, 2);
        serveCommit(REPO, COMMIT_B, retrained, Urls.sha256Hex(retrained), retrained.length);
        pointRef(REPO, "main", COMMIT_B);

        TimmCheckpoint after = (TimmCheckpoint) resolver(props()).resolve("hf-hub:" + REPO, null);

        assertThat(after.description()).endsWith("@" + COMMIT_B);
        assertThat(Files.readAllBytes(after.weights())).isEqualTo(retrained);
        assertThat(Files.readAllBytes(before.weights()))
                .as("the old commit's snapshot is untouched")
                .isEqualTo(WEIGHTS);
        assertThat(hub.gets())
                .containsExactly(
                        resolvePath(REPO, COMMIT_A, "config.json"),
                        resolvePath(REPO, COMMIT_A, "model.safetensors"),
                        resolvePath(REPO, COMMIT_B, "config.json"),
                        resolvePath(REPO, COMMIT_B, "model.safetensors"));
        int requests = hub.requestCount();

        TimmCheckpoint offline =
                (TimmCheckpoint) resolver(props().offline(true)).resolve("hf-hub:" + REPO, null);

        assertThat(offline).isEqualTo(after);
        assertThat(hub.requestCount()).isEqualTo(requests);
    }

    @Test
    void aFullCommitIsImmutableAndNeedsNoNetworkOnceCached() throws IOException {
        serveCommit(REPO, COMMIT_A, WEIGHTS, Urls.sha256Hex(WEIGHTS), WEIGHTS.length);

        TimmCheckpoint first = (TimmCheckpoint) resolver(props()).resolve("hf-hub:" + REPO + "@" + COMMIT_A, null);

        assertThat(hub.log())
                .containsExactly(
                        "GET " + resolvePath(REPO, COMMIT_A, "config.json"),
                        "GET " + resolvePath(REPO, COMMIT_A, "model.safetensors"));
        assertThat(Files.exists(cache.resolve(REPO_DIR).resolve("refs"))).isFalse();

        TimmCheckpoint again = (TimmCheckpoint)
                resolver(props().endpoint(unreachable())).resolve("hf-hub:" + REPO + "@" + COMMIT_A, null);

        assertThat(again).isEqualTo(first);
        assertThat(hub.requestCount()).isEqualTo(2);
    }

    @Test
    void anUnreachableHubServesTheCommitTheBranchLastResolvedTo() throws IOException {
        serveHubRepo();
        TimmCheckpoint online = (TimmCheckpoint) resolver(props()).resolve("hf-hub:" + REPO, null);

        assertThat(resolver(props().endpoint(unreachable())).resolve("hf-hub:" + REPO, null))
                .isEqualTo(online);

        hub.status(resolvePath(REPO, "main", "config.json"), 503);
        assertThat(resolver(props()).resolve("hf-hub:" + REPO, null)).isEqualTo(online);

        // an answer about the repository itself is not an outage: the start fails
        hub.status(resolvePath(REPO, "main", "config.json"), 404);
        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("HTTP 404");
        // and without a cached ref an outage fails too
        assertThatThrownBy(() -> resolver(props().endpoint(unreachable())).resolve("hf-hub:org/other", null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("cannot connect");
    }

    @Test
    void aHubThatNamesNoCommitIsRefusedWithAHint() {
        hub.file(resolvePath(REPO, "main", "config.json"), CONFIG);

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("X-Repo-Commit")
                .hasMessageContaining("@<40-hex commit>");
        assertThat(hub.gets()).isEmpty();
    }

    @Test
    void truncatedDownloadFailsAndLeavesNothingInTheCache() throws IOException {
        pointRef(REPO, "main", COMMIT_A);
        hub.file(resolvePath(REPO, COMMIT_A, "config.json"), CONFIG);
        hub.truncated(resolvePath(REPO, COMMIT_A, "model.safetensors"), WEIGHTS, 100_000);

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining(hub.url(resolvePath(REPO, COMMIT_A, "model.safetensors")));
        assertThat(filesIn(snapshot(COMMIT_A)))
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("config.json", "config.json.sha256");
        assertThat(Files.exists(cache.resolve(REPO_DIR).resolve("refs/main")))
                .as("a ref is recorded only with its complete snapshot")
                .isFalse();
    }

    @Test
    void checksumMismatchWithTheHubFailsAndLeavesNothingInTheCache() throws IOException {
        byte[] corrupt = WEIGHTS.clone();
        corrupt[12345] ^= 1;
        serveCommit(REPO, COMMIT_A, corrupt, Urls.sha256Hex(WEIGHTS), WEIGHTS.length);
        pointRef(REPO, "main", COMMIT_A);

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("sha256 mismatch")
                .hasMessageContaining(Urls.sha256Hex(WEIGHTS));
        assertThat(filesIn(snapshot(COMMIT_A)))
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("config.json", "config.json.sha256");
    }

    @Test
    void sizeMismatchWithTheHubAnnouncementFails() throws IOException {
        serveCommit(REPO, COMMIT_A, WEIGHTS, Urls.sha256Hex(WEIGHTS), WEIGHTS.length + 1L);
        pointRef(REPO, "main", COMMIT_A);

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("size mismatch");
        assertThat(filesIn(snapshot(COMMIT_A)))
                .extracting(p -> p.getFileName().toString())
                .doesNotContain("model.safetensors");
    }

    @Test
    void hubEtagOnADirectResponseIsVerified() throws IOException {
        byte[] corrupt = WEIGHTS.clone();
        corrupt[0] ^= 1;
        pointRef(REPO, "main", COMMIT_A);
        hub.file(resolvePath(REPO, COMMIT_A, "config.json"), CONFIG);
        hub.file(
                resolvePath(REPO, COMMIT_A, "model.safetensors"),
                corrupt,
                Map.of("ETag", "\"" + Urls.sha256Hex(WEIGHTS) + "\""));

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("sha256 mismatch");
    }

    @Test
    void partialCacheIsCompletedWithoutRefetchingWhatIsThere() throws IOException {
        pointRef(REPO, "main", COMMIT_A);
        hub.file(resolvePath(REPO, COMMIT_A, "config.json"), CONFIG);
        hub.status(resolvePath(REPO, COMMIT_A, "model.safetensors"), 500);
        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("HTTP 500");

        serveHubRepo();
        resolver(props()).resolve("hf-hub:" + REPO, null);

        assertThat(hub.gets())
                .containsExactly(
                        resolvePath(REPO, COMMIT_A, "config.json"),
                        resolvePath(REPO, COMMIT_A, "model.safetensors"),
                        resolvePath(REPO, COMMIT_A, "model.safetensors"));
    }

    @Test
    void offlineWithoutAResolvedBranchFailsNamingTheRevisionAndTheFolder() {
        serveHubRepo();

        assertThatThrownBy(() -> resolver(props().offline(true)).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("revision 'main' was never resolved")
                .hasMessageContaining(cache.resolve(REPO_DIR).toString())
                .hasMessageContaining("offline");
        assertThatThrownBy(() -> resolver(props().offline(true)).resolve("hf-hub:" + REPO + "@" + COMMIT_A, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("config.json is not in the cache")
                .hasMessageContaining("model.safetensors is not in the cache")
                .hasMessageContaining(snapshot(COMMIT_A).toString())
                .hasMessageContaining("offline");
        assertThat(hub.requestCount()).isZero();
    }

    @Test
    void aCachedFileThatNoLongerMatchesItsRecordIsDeletedAndFetchedAgain() throws IOException {
        serveHubRepo();
        TimmCheckpoint ckpt = (TimmCheckpoint) resolver(props()).resolve("hf-hub:" + REPO, null);
        flipOneByte(ckpt.weights());

        assertThatThrownBy(() -> resolver(props().offline(true)).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("model.safetensors is corrupt");
        assertThat(ckpt.weights()).as("never trusted again").doesNotExist();

        assertThat(resolver(props()).resolve("hf-hub:" + REPO, null)).isEqualTo(ckpt);
        assertThat(Files.readAllBytes(ckpt.weights())).isEqualTo(WEIGHTS);
        assertThat(cdn.requestCount()).isEqualTo(2);
    }

    @Test
    void aCachedFileWithoutARecordIsNotUsed() throws IOException {
        serveHubRepo();
        TimmCheckpoint ckpt = (TimmCheckpoint) resolver(props()).resolve("hf-hub:" + REPO, null);
        Files.delete(Sha256Files.sidecar(ckpt.weights()));

        assertThatThrownBy(() -> resolver(props().offline(true)).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("without a recorded sha256");
        // a pin is as good as a record
        Pins pinned = new Pins(Urls.sha256Hex(WEIGHTS), null, false);
        assertThat(resolver(props().offline(true)).resolve("hf-hub:" + REPO, null, 42, pinned))
                .isEqualTo(ckpt);
        // online, the file is fetched again with its record
        resolver(props()).resolve("hf-hub:" + REPO, null);
        assertThat(cdn.requestCount()).isEqualTo(2);
        assertThat(Sha256Files.recorded(ckpt.weights())).isEqualTo(Urls.sha256Hex(WEIGHTS));
    }

    @Test
    void pinnedFilesAreVerifiedOnDownload() throws IOException {
        serveHubRepo();
        Pins wrong = new Pins("f".repeat(64), null, false);

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null, 42, wrong))
                .isInstanceOf(IntegrityException.class)
                .isNotInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("sha256 mismatch: model.safetensors")
                .hasMessageContaining("sha256.weights pins " + "f".repeat(64))
                .hasMessageContaining(Urls.sha256Hex(WEIGHTS))
                .hasMessageContaining("not stored");
        assertThat(filesIn(snapshot(COMMIT_A)))
                .extracting(p -> p.getFileName().toString())
                .doesNotContain("model.safetensors", "model.safetensors.sha256");
        assertThat(Files.exists(cache.resolve(REPO_DIR).resolve("refs/main"))).isFalse();

        Pins right =
                new Pins(Urls.sha256Hex(WEIGHTS).toUpperCase(java.util.Locale.ROOT), Urls.sha256Hex(CONFIG), false);
        TimmCheckpoint ckpt = (TimmCheckpoint) resolver(props()).resolve("hf-hub:" + REPO, null, 42, right);
        assertThat(Files.readAllBytes(ckpt.weights())).isEqualTo(WEIGHTS);
        assertThatThrownBy(() ->
                        resolver(props()).resolve("hf-hub:" + REPO, null, 42, new Pins(null, "0".repeat(64), false)))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("config.json")
                .hasMessageContaining("sha256.config");
    }

    @Test
    void aCachedFileThatIsNotThePinnedOneFailsTheStartAndIsNeverUsed() throws IOException {
        serveHubRepo();
        TimmCheckpoint ckpt = (TimmCheckpoint) resolver(props()).resolve("hf-hub:" + REPO, null);
        Pins wrong = new Pins("e".repeat(64), null, false);
        int cdnRequests = cdn.requestCount();

        for (boolean offline : new boolean[] {true, false}) {
            assertThatThrownBy(() -> resolver(props().offline(offline)).resolve("hf-hub:" + REPO, null, 42, wrong))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("sha256 mismatch: model.safetensors")
                    .hasMessageContaining("pins " + "e".repeat(64))
                    .hasMessageContaining("is not used");
        }
        // a commit's file cannot change: it is not fetched again, and it stays (an offline cache's only copy)
        assertThat(cdn.requestCount()).isEqualTo(cdnRequests);
        assertThat(Files.readAllBytes(ckpt.weights())).isEqualTo(WEIGHTS);
        assertThat(resolver(props().offline(true))
                        .resolve("hf-hub:" + REPO, null, 42, new Pins(Urls.sha256Hex(WEIGHTS), null, false)))
                .isEqualTo(ckpt);
    }

    @Test
    void aChangedPinOfAMutableUrlFetchesTheFileAgain() throws IOException {
        byte[] retrained = randomBytes(300_000, 3);
        cdn.file("/files/model.pt", WEIGHTS);
        String url = cdn.url("/files/model.pt");
        TorchScript old =
                (TorchScript) resolver(props()).resolve(url, null, 42, new Pins(Urls.sha256Hex(WEIGHTS), null, false));
        cdn.file("/files/model.pt", retrained);

        TorchScript updated = (TorchScript)
                resolver(props()).resolve(url, null, 42, new Pins(Urls.sha256Hex(retrained), null, false));

        assertThat(updated.file()).isEqualTo(old.file());
        assertThat(Files.readAllBytes(updated.file())).isEqualTo(retrained);
        assertThat(cdn.requestCount()).isEqualTo(2);
    }

    @Test
    void aDownloadLargerThanTheLimitIsRefused() throws IOException {
        DataSize limit = DataSize.ofBytes(WEIGHTS.length - 1);
        serveHubRepo();

        // announced by the hub (X-Linked-Size)
        assertThatThrownBy(() -> resolver(props().maxDownloadSize(limit)).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("max-download-size");
        // announced by Content-Length
        cdn.file("/plain/v4/config.json", CONFIG);
        cdn.file("/plain/v4/model.safetensors", WEIGHTS);
        assertThatThrownBy(() -> resolver(props().maxDownloadSize(limit)).resolve(cdn.url("/plain/v4/"), null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining(WEIGHTS.length + " bytes, more than the " + limit.toBytes());
        // not announced: cut off when the stream passes the limit
        cdn.file("/chunked/v4/config.json", CONFIG);
        cdn.chunked("/chunked/v4/model.safetensors", WEIGHTS);
        assertThatThrownBy(() -> resolver(props().maxDownloadSize(limit)).resolve(cdn.url("/chunked/v4/"), null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("larger than the " + limit.toBytes() + " bytes accepted");

        assertThat(filesIn(cache))
                .extracting(p -> p.getFileName().toString())
                .noneMatch(n -> n.startsWith("model.safetensors") || n.endsWith(".part"));
        assertThat(resolver(props().maxDownloadSize(DataSize.ofBytes(WEIGHTS.length)))
                        .resolve(cdn.url("/chunked/v4/"), null))
                .isInstanceOf(TimmCheckpoint.class);
    }

    @Test
    void partFilesLeftByAKilledDownloadAreRemoved() throws IOException {
        serveHubRepo();
        Path snapshot = Files.createDirectories(snapshot(COMMIT_A));
        Path stale = Files.write(snapshot.resolve(".model.safetensors.1f2e3d.part"), new byte[1000]);
        Path staleRef = Files.write(
                Files.createDirectories(cache.resolve(REPO_DIR).resolve("refs")).resolve(".main.77.part"), new byte[1]);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Files.setLastModifiedTime(staleRef, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        // another process's download in progress: recent, so kept
        Path live = Files.write(snapshot.resolve(".model.safetensors.9a8b7c.part"), new byte[10]);

        resolver(props()).resolve("hf-hub:" + REPO, null);

        assertThat(stale).doesNotExist();
        assertThat(staleRef).doesNotExist();
        assertThat(live).exists();
    }

    @Test
    void offlineUsesTheCache() {
        serveHubRepo();
        resolver(props()).resolve("hf-hub:" + REPO, null);
        int before = hub.requestCount();

        ResolvedSource resolved = resolver(props().offline(true).endpoint("https://unreachable.invalid"))
                .resolve("hf-hub:" + REPO, null);

        assertThat(resolved).isInstanceOf(TimmCheckpoint.class);
        assertThat(hub.requestCount()).isEqualTo(before);
    }

    @Test
    void tokenGoesToTheHubButNotToTheCdnItRedirectsTo() {
        serveHubRepo();

        resolver(props().token(TOKEN)).resolve("hf-hub:" + REPO, null);

        assertThat(hub.requests())
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
        assertThat(cdn.requests())
                .hasSize(1)
                .allSatisfy(r -> assertThat(r.authorization()).isNull());
        assertThat(cdn.base()).isNotEqualTo(hub.base());
    }

    @Test
    void aRenamedRepositoryIsFollowedOnTheHubWithTheToken() {
        // the hub answers a renamed repository with a relative redirect
        hub.redirect(resolvePath(REPO, "main", "config.json"), "/timm/renamed/resolve/main/config.json", Map.of());
        pointRef("timm/renamed", "main", COMMIT_A);
        hub.file(resolvePath(REPO, COMMIT_A, "config.json"), CONFIG);
        hub.file(resolvePath(REPO, COMMIT_A, "model.safetensors"), WEIGHTS);

        assertThat(resolver(props().token(TOKEN))
                        .resolve("hf-hub:" + REPO, null)
                        .description())
                .endsWith(COMMIT_A);

        assertThat(hub.log()).contains("HEAD /timm/renamed/resolve/main/config.json");
        assertThat(hub.requests()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
    }

    @Test
    void tokenNeverAppearsInErrorsOrDescriptions() {
        pointRef(REPO, "main", COMMIT_A);
        hub.file(resolvePath(REPO, COMMIT_A, "config.json"), CONFIG);
        hub.redirect(
                resolvePath(REPO, COMMIT_A, "model.safetensors"), cdn.url("/lfs/denied?token=presigned"), Map.of());
        cdn.status("/lfs/denied", 403);
        ModelSourceResolver resolver = resolver(props().token(TOKEN));

        assertThatThrownBy(() -> resolver.resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining(cdn.url("/lfs/denied"))
                .satisfies(e -> assertThat(e.toString()).doesNotContain(TOKEN).doesNotContain("presigned"));
        hub.status(resolvePath("org/private", "main", "config.json"), 401);
        assertThatThrownBy(() -> resolver.resolve("hf-hub:org/private", null))
                .hasMessageContaining("HTTP 401")
                .satisfies(e -> assertThat(e.toString()).doesNotContain(TOKEN));
        assertThat(resolver.toString()).doesNotContain(TOKEN);
        assertThat(TestProps.cache(cache).token(TOKEN).build().toString()).doesNotContain(TOKEN);
    }

    @Test
    void notFoundNamesTheUrlAndStatus() {
        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:timm/missing", null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining(hub.url("/timm/missing/resolve/main/config.json"));
    }

    @Test
    void connectionRefusedIsModelUnavailable() throws IOException {
        String endpoint = unreachable();
        ModelSourceResolver resolver = resolver(props().endpoint(endpoint));

        assertThatThrownBy(() -> resolver.resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining(endpoint.substring("http://".length()));
    }

    @Test
    void stalledBodyTimesOutAndLeavesNothing() throws IOException {
        pointRef(REPO, "main", COMMIT_A);
        hub.file(resolvePath(REPO, COMMIT_A, "config.json"), CONFIG);
        hub.stalled(resolvePath(REPO, COMMIT_A, "model.safetensors"), WEIGHTS, 1000, 10_000);
        long start = System.nanoTime();

        assertThatThrownBy(() ->
                        resolver(props().readTimeout(Duration.ofMillis(300))).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("stalled");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(filesIn(cache))
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("config.json", "config.json.sha256");
    }

    @Test
    void plainHttpToANonLoopbackHostIsRefusedWithoutConnecting() {
        assertThatThrownBy(() -> resolver(props()).resolve("http://example.com/models/v4/", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain http is refused");
        assertThatThrownBy(() ->
                        resolver(props()).resolve("http://example.com/model.pt", null, 42, new Pins(null, null, true)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        resolver(props().endpoint("http://hub.example.com")).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain http is refused");
        assertThatThrownBy(() -> resolver(props()).resolve("ftp://example.com/models/", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported URL scheme");
    }

    @Test
    void redirectToPlainHttpOnAnotherHostIsRefused() {
        pointRef(REPO, "main", COMMIT_A);
        hub.file(resolvePath(REPO, COMMIT_A, "config.json"), CONFIG);
        hub.redirect(resolvePath(REPO, COMMIT_A, "model.safetensors"), "http://cdn.example.com/x", Map.of());

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("redirect")
                .hasMessageContaining("plain http is refused");
    }

    @Test
    void redirectLoopEnds() {
        hub.redirect(resolvePath(REPO, "main", "config.json"), resolvePath(REPO, "main", "config.json"), Map.of());

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("too many redirects");
        assertThat(hub.requestCount()).isEqualTo(11);
    }

    @Test
    void concurrentDownloadsOfTheSameFilesBothSucceed() throws Exception {
        serveHubRepo();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> resolver(props()).resolve("hf-hub:" + REPO, null));
            var b = pool.submit(() -> resolver(props()).resolve("hf-hub:" + REPO, null));
            TimmCheckpoint ckpt = (TimmCheckpoint) a.get();
            assertThat(b.get()).isEqualTo(ckpt);
            assertThat(Files.readAllBytes(ckpt.weights())).isEqualTo(WEIGHTS);
            assertThat(filesIn(snapshot(COMMIT_A)))
                    .extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder(
                            "config.json", "config.json.sha256", "model.safetensors", "model.safetensors.sha256");
            assertThat(resolver(props().offline(true)).resolve("hf-hub:" + REPO, null))
                    .isEqualTo(ckpt);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void urlsAreShownWithoutCredentialsOrQuery() {
        assertThat(Urls.redact(java.net.URI.create("https://u:p@h.example:8443/a/b.pt?sig=s#f")))
                .isEqualTo("https://h.example:8443/a/b.pt?...");
        assertThat(Urls.redact("https://u:p@h example/x?sig=s")).isEqualTo("https://***@h example/x?...");
        assertThatThrownBy(() -> resolver(props()).resolve("https://user:hunter2@h.example/m/", null))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void loopbackHostsAreRecognisedLiterally() {
        assertThat(Urls.isLoopback("127.0.0.1")).isTrue();
        assertThat(Urls.isLoopback("127.10.20.30")).isTrue();
        assertThat(Urls.isLoopback("localhost")).isTrue();
        assertThat(Urls.isLoopback("[::1]")).isTrue();
        assertThat(Urls.isLoopback("128.0.0.1")).isFalse();
        assertThat(Urls.isLoopback("127.0.0.1.example.com")).isFalse();
        assertThat(Urls.isLoopback("localhost.example.com")).isFalse();
        assertThat(Urls.isLoopback("[::2]")).isFalse();
    }

    @Test
    void invalidHubIdsAreRefused() {
        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:../etc", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid hub repository");
        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:a/b/c", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:org/model@../../x", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid hub revision");
        assertThatThrownBy(() -> resolver(props()).resolve(null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(hub.requestCount()).isZero();
    }

    @Test
    void httpsStyleFolderUrlIsDownloadedAndCachedByUrlHash() throws IOException {
        cdn.file("/models/v4/config.json", CONFIG);
        cdn.file("/models/v4/model.safetensors", WEIGHTS);

        TimmCheckpoint ckpt = (TimmCheckpoint) resolver(props()).resolve(cdn.url("/models/v4"), null);

        String key = Urls.sha256Hex(cdn.url("/models/v4/"));
        assertThat(ckpt.weights()).isEqualTo(cache.resolve("url").resolve(key).resolve("model.safetensors"));
        assertThat(Files.readAllBytes(ckpt.weights())).isEqualTo(WEIGHTS);
        assertThat(ckpt.description()).isEqualTo(cdn.url("/models/v4/"));
        assertThat(cdn.requests()).allSatisfy(r -> assertThat(r.authorization()).isNull());

        resolver(props()).resolve(cdn.url("/models/v4/"), null);
        assertThat(cdn.requestCount()).isEqualTo(2);
    }

    @Test
    void tokenIsSentToAUrlSourceOnTheHubOrigin() {
        hub.file("/org/private/resolve/main/config.json", CONFIG);
        hub.file("/org/private/resolve/main/model.safetensors", WEIGHTS);

        resolver(props().token(TOKEN)).resolve(hub.url("/org/private/resolve/main/"), null);

        assertThat(hub.requests())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
    }

    @Test
    void localFolderIsUsedInPlace() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("ckpt"));
        Files.write(folder.resolve("config.json"), CONFIG);
        Files.write(folder.resolve("model.safetensors"), WEIGHTS);

        TimmCheckpoint byPath = (TimmCheckpoint) resolver(props()).resolve(folder.toString(), null);
        TimmCheckpoint byUrl =
                (TimmCheckpoint) resolver(props()).resolve(folder.toUri().toString(), null);

        assertThat(byPath.weights()).isEqualTo(folder.resolve("model.safetensors"));
        assertThat(byPath.configJson()).isEqualTo(folder.resolve("config.json"));
        assertThat(byUrl).isEqualTo(byPath);
        assertThat(filesIn(cache)).isEmpty();
    }

    @Test
    void localFolderWithoutBothFilesIsUnavailable() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("half"));
        Files.write(folder.resolve("config.json"), CONFIG);

        assertThatThrownBy(() -> resolver(props()).resolve(folder.toString(), null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("lacks model.safetensors");
        assertThatThrownBy(
                        () -> resolver(props()).resolve(tmp.resolve("nowhere").toString(), null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void localFolderIsCheckedAgainstItsPins() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("ckpt"));
        Files.write(folder.resolve("config.json"), CONFIG);
        Files.write(folder.resolve("model.safetensors"), WEIGHTS);
        Pins right = new Pins(Urls.sha256Hex(WEIGHTS), Urls.sha256Hex(CONFIG), false);

        assertThat(resolver(props()).resolve(folder.toString(), null, 42, right))
                .isInstanceOf(TimmCheckpoint.class);

        flipOneByte(folder.resolve("model.safetensors"));
        assertThatThrownBy(() -> resolver(props()).resolve(folder.toString(), null, 42, right))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("sha256 mismatch: model.safetensors of model folder " + folder);
        assertThat(folder.resolve("model.safetensors"))
                .as("a local file is the user's: never deleted")
                .exists();
    }

    @Test
    void localTorchScriptFileLoadsOnlyPinnedOrExplicitlyAllowed() throws IOException {
        Path pt = Files.write(tmp.resolve("model.pt"), WEIGHTS);

        assertThatThrownBy(() -> resolver(props()).resolve(pt.toString(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is code")
                .hasMessageContaining("sha256.weights")
                .hasMessageContaining("allow-unpinned-torchscript");
        ResolvedSource pinned =
                resolver(props()).resolve(pt.toString(), null, 42, new Pins(Urls.sha256Hex(WEIGHTS), null, false));
        assertThat(pinned).isEqualTo(new TorchScript(pt, pt.toString()));
        assertThat(resolver(props()).resolve(pt.toString(), null, 42, new Pins(null, null, true)))
                .isEqualTo(pinned);
        assertThatThrownBy(() ->
                        resolver(props()).resolve(pt.toString(), null, 42, new Pins("1".repeat(64), null, true)))
                .as("an allowed but pinned file is still checked")
                .isInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> resolver(props())
                        .resolve(tmp.resolve("missing.pt").toString(), null, 42, new Pins(null, null, true)))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("missing.pt");
    }

    @Test
    void remoteTorchScriptIsPinnedCachedAndTheQueryStaysOutOfTheDescription() throws IOException {
        cdn.file("/files/traced.pt", WEIGHTS);
        String url = cdn.url("/files/traced.pt?sig=secret");
        Pins pin = new Pins(Urls.sha256Hex(WEIGHTS), null, false);

        assertThatThrownBy(() -> resolver(props()).resolve(url, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not pinned")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
        assertThat(cdn.requestCount()).as("unpinned code is not even fetched").isZero();

        TorchScript ts = (TorchScript) resolver(props()).resolve(url, null, 42, pin);

        assertThat(ts.file())
                .isEqualTo(cache.resolve("url").resolve(Urls.sha256Hex(url)).resolve("traced.pt"));
        assertThat(Files.readAllBytes(ts.file())).isEqualTo(WEIGHTS);
        assertThat(ts.description())
                .isEqualTo(cdn.url("/files/traced.pt") + "?...")
                .doesNotContain("secret");

        assertThat(resolver(props().offline(true)).resolve(url, null, 42, pin)).isEqualTo(ts);
        assertThat(cdn.requestCount()).isEqualTo(1);
        assertThatThrownBy(() -> resolver(props().offline(true)).resolve(cdn.url("/files/other.pt"), null, 42, pin))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("other.pt")
                .hasMessageContaining("offline");

        cdn.file("/files/replaced.pt", CONFIG);
        assertThatThrownBy(() -> resolver(props()).resolve(cdn.url("/files/replaced.pt"), null, 42, pin))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("not stored");
        assertThat(filesIn(cache)).extracting(p -> p.getFileName().toString()).doesNotContain("replaced.pt");
    }

    @Test
    void randomUsesTheGivenSeed() {
        assertThat(resolver(props()).resolve("random", Architecture.INCEPTION_V4, 7, Pins.NONE))
                .isEqualTo(new RandomWeights(7));
        assertThat(resolver(props()).resolve(" RANDOM ", null)).isEqualTo(new RandomWeights(42));
        assertThatThrownBy(() -> resolver(props()).resolve("random", null, 7, new Pins("1".repeat(64), null, false)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(hub.requestCount()).isZero();
    }

    /** A loopback URL where nothing listens. */
    private static String unreachable() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static void flipOneByte(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
    }
}
