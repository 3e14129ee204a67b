package dev.inceptionclassifier.model.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.inceptionclassifier.model.Architecture;
import dev.inceptionclassifier.model.source.ResolvedSource.RandomWeights;
import dev.inceptionclassifier.model.source.ResolvedSource.TimmCheckpoint;
import dev.inceptionclassifier.model.source.ResolvedSource.TorchScript;

class ModelSourceResolverTests {

    private static final String REPO = "timm/inception_v4.tf_in1k";
    private static final String TOKEN = "hf_SECRETtoken123";
    private static final byte[] CONFIG = "{\"architecture\": \"inception_v4\", \"num_classes\": 1000}"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = randomBytes(300_000, 1);

    @TempDir
    Path tmp;

    private Path cache;
    private FakeServer hub;
    private FakeServer cdn;

    @BeforeEach
    void setUp() throws IOException {
        cache = tmp.resolve("cache");
        hub = new FakeServer();
        cdn = FakeServer.onOtherHost();
    }

    @AfterEach
    void tearDown() {
        hub.close();
        cdn.close();
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String resolvePath(String repo, String revision, String file) {
        return "/" + repo + "/resolve/" + revision + "/" + file;
    }

    /** The hub's layout: config.json served directly, the LFS weights redirected to a CDN on another host. */
    private void serveHubRepo(String repo, String revision, byte[] weights, String announcedSha, long announcedSize) {
        hub.file(resolvePath(repo, revision, "config.json"), CONFIG,
                Map.of("ETag", "\"" + "a".repeat(40) + "\""));
        String cdnPath = "/lfs/" + Urls.sha256Hex(weights);
        hub.redirect(resolvePath(repo, revision, "model.safetensors"), cdn.url(cdnPath) + "?X-Amz-Signature=abc",
                Map.of("X-Linked-Etag", "\"" + announcedSha + "\"", "X-Linked-Size", Long.toString(announcedSize)));
        cdn.file(cdnPath, weights, Map.of("ETag", "\"d41d8cd98f00b204e9800998ecf8427e-3\""));
    }

    private void serveHubRepo() {
        serveHubRepo(REPO, "main", WEIGHTS, Urls.sha256Hex(WEIGHTS), WEIGHTS.length);
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
    void downloadsFromTheHubThenReusesTheCacheWithoutNetwork() throws IOException {
        serveHubRepo();

        ResolvedSource first = resolver(props()).resolve("hf-hub:" + REPO, null);

        assertThat(first).isInstanceOf(TimmCheckpoint.class);
        TimmCheckpoint ckpt = (TimmCheckpoint) first;
        assertThat(ckpt.description()).isEqualTo("hf-hub:timm/inception_v4.tf_in1k@main");
        assertThat(ckpt.configJson()).isEqualTo(cache.resolve("hub/timm/inception_v4.tf_in1k/main/config.json"));
        assertThat(ckpt.weights()).isEqualTo(cache.resolve("hub/timm/inception_v4.tf_in1k/main/model.safetensors"));
        assertThat(Files.readAllBytes(ckpt.configJson())).isEqualTo(CONFIG);
        assertThat(Files.readAllBytes(ckpt.weights())).isEqualTo(WEIGHTS);
        assertThat(filesIn(cache)).hasSize(2);
        assertThat(hub.requests()).extracting(FakeServer.Request::path).containsExactly(
                resolvePath(REPO, "main", "config.json"), resolvePath(REPO, "main", "model.safetensors"));
        assertThat(cdn.requestCount()).isEqualTo(1);

        ResolvedSource second = resolver(props()).resolve("hf-hub:" + REPO, null);

        assertThat(second).isEqualTo(first);
        assertThat(hub.requestCount()).isEqualTo(2);
        assertThat(cdn.requestCount()).isEqualTo(1);
    }

    @Test
    void defaultSourceIsTheTimmRepositoryOfTheArchitecture() {
        serveHubRepo("timm/inception_resnet_v2.tf_in1k", "main", WEIGHTS, Urls.sha256Hex(WEIGHTS), WEIGHTS.length);

        ResolvedSource resolved = resolver(props()).resolve(null, Architecture.INCEPTION_RESNET_V2);

        assertThat(resolved.description()).isEqualTo("hf-hub:timm/inception_resnet_v2.tf_in1k@main");
        assertThat(hub.requests()).extracting(FakeServer.Request::path)
                .contains(resolvePath("timm/inception_resnet_v2.tf_in1k", "main", "config.json"));
    }

    @Test
    void pinnedRevisionIsFetchedAndCachedSeparately() throws IOException {
        byte[] v1 = randomBytes(1000, 7);
        serveHubRepo("org/model", "v1.0", v1, Urls.sha256Hex(v1), v1.length);
        byte[] pr = randomBytes(1000, 8);
        serveHubRepo("org/model", "refs%2Fpr%2F1", pr, Urls.sha256Hex(pr), pr.length);

        TimmCheckpoint a = (TimmCheckpoint) resolver(props()).resolve("hf-hub:org/model@v1.0", null);
        TimmCheckpoint b = (TimmCheckpoint) resolver(props()).resolve("hf-hub:org/model@refs/pr/1", null);

        assertThat(a.description()).isEqualTo("hf-hub:org/model@v1.0");
        assertThat(Files.readAllBytes(a.weights())).isEqualTo(v1);
        assertThat(b.description()).isEqualTo("hf-hub:org/model@refs/pr/1");
        assertThat(b.weights()).isEqualTo(cache.resolve("hub/org/model/refs%2Fpr%2F1/model.safetensors"));
        assertThat(Files.readAllBytes(b.weights())).isEqualTo(pr);
    }

    @Test
    void truncatedDownloadFailsAndLeavesNothingInTheCache() throws IOException {
        hub.file(resolvePath(REPO, "main", "config.json"), CONFIG);
        hub.truncated(resolvePath(REPO, "main", "model.safetensors"), WEIGHTS, 100_000);

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining(hub.url(resolvePath(REPO, "main", "model.safetensors")));
        assertThat(filesIn(cache)).extracting(p -> p.getFileName().toString()).containsExactly("config.json");
    }

    @Test
    void checksumMismatchFailsAndLeavesNothingInTheCache() throws IOException {
        byte[] corrupt = WEIGHTS.clone();
        corrupt[12345] ^= 1;
        serveHubRepo(REPO, "main", corrupt, Urls.sha256Hex(WEIGHTS), WEIGHTS.length);

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("sha256 mismatch")
                .hasMessageContaining(Urls.sha256Hex(WEIGHTS));
        assertThat(filesIn(cache.resolve("hub/timm/inception_v4.tf_in1k/main")))
                .extracting(p -> p.getFileName().toString()).containsExactly("config.json");
    }

    @Test
    void sizeMismatchWithTheHubAnnouncementFails() throws IOException {
        serveHubRepo(REPO, "main", WEIGHTS, Urls.sha256Hex(WEIGHTS), WEIGHTS.length + 1L);

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("size mismatch");
        assertThat(filesIn(cache)).extracting(p -> p.getFileName().toString()).containsExactly("config.json");
    }

    @Test
    void hubEtagOnADirectResponseIsVerified() throws IOException {
        byte[] corrupt = WEIGHTS.clone();
        corrupt[0] ^= 1;
        hub.file(resolvePath(REPO, "main", "config.json"), CONFIG);
        hub.file(resolvePath(REPO, "main", "model.safetensors"), corrupt,
                Map.of("ETag", "\"" + Urls.sha256Hex(WEIGHTS) + "\""));

        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("sha256 mismatch");
    }

    @Test
    void partialCacheIsCompletedWithoutRefetchingWhatIsThere() throws IOException {
        hub.file(resolvePath(REPO, "main", "config.json"), CONFIG);
        hub.status(resolvePath(REPO, "main", "model.safetensors"), 500);
        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class).hasMessageContaining("HTTP 500");

        serveHubRepo();
        resolver(props()).resolve("hf-hub:" + REPO, null);

        assertThat(hub.requests()).extracting(FakeServer.Request::path).containsExactly(
                resolvePath(REPO, "main", "config.json"), resolvePath(REPO, "main", "model.safetensors"),
                resolvePath(REPO, "main", "model.safetensors"));
    }

    @Test
    void offlineWithAnEmptyCacheFailsNamingTheFilesAndTheFolder() {
        serveHubRepo();

        assertThatThrownBy(() -> resolver(props().offline(true)).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("config.json")
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining(cache.resolve("hub/timm/inception_v4.tf_in1k/main").toString())
                .hasMessageContaining("offline");
        assertThat(hub.requestCount()).isZero();
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

        assertThat(hub.requests()).hasSize(2)
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
        assertThat(cdn.requests()).hasSize(1).allSatisfy(r -> assertThat(r.authorization()).isNull());
        assertThat(cdn.base()).isNotEqualTo(hub.base());
    }

    @Test
    void tokenIsKeptOnASameOriginRedirect() {
        hub.redirect(resolvePath(REPO, "main", "config.json"), "/renamed/config.json", Map.of());
        hub.file("/renamed/config.json", CONFIG);
        hub.file(resolvePath(REPO, "main", "model.safetensors"), WEIGHTS);

        resolver(props().token(TOKEN)).resolve("hf-hub:" + REPO, null);

        assertThat(hub.requests()).extracting(FakeServer.Request::path).contains("/renamed/config.json");
        assertThat(hub.requests()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
    }

    @Test
    void tokenNeverAppearsInErrorsOrDescriptions() {
        hub.file(resolvePath(REPO, "main", "config.json"), CONFIG);
        hub.redirect(resolvePath(REPO, "main", "model.safetensors"), cdn.url("/lfs/denied?token=presigned"),
                Map.of());
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
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ModelSourceResolver resolver = resolver(props().endpoint("http://127.0.0.1:" + port));

        assertThatThrownBy(() -> resolver.resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void stalledBodyTimesOutAndLeavesNothing() throws IOException {
        hub.file(resolvePath(REPO, "main", "config.json"), CONFIG);
        hub.stalled(resolvePath(REPO, "main", "model.safetensors"), WEIGHTS, 1000, 10_000);
        long start = System.nanoTime();

        assertThatThrownBy(() -> resolver(props().readTimeout(Duration.ofMillis(300))).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("stalled");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(filesIn(cache)).extracting(p -> p.getFileName().toString()).containsExactly("config.json");
    }

    @Test
    void plainHttpToANonLoopbackHostIsRefusedWithoutConnecting() {
        assertThatThrownBy(() -> resolver(props()).resolve("http://example.com/models/v4/", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain http is refused");
        assertThatThrownBy(() -> resolver(props()).resolve("http://example.com/model.pt", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resolver(props().endpoint("http://hub.example.com")).resolve("hf-hub:" + REPO, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain http is refused");
        assertThatThrownBy(() -> resolver(props()).resolve("ftp://example.com/models/", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported URL scheme");
    }

    @Test
    void redirectToPlainHttpOnAnotherHostIsRefused() {
        hub.file(resolvePath(REPO, "main", "config.json"), CONFIG);
        hub.redirect(resolvePath(REPO, "main", "model.safetensors"), "http://cdn.example.com/x", Map.of());

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
            assertThat(filesIn(cache)).hasSize(2);
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
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid hub repository");
        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:a/b/c", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resolver(props()).resolve("hf-hub:org/model@../../x", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid hub revision");
        assertThatThrownBy(() -> resolver(props()).resolve(null, null))
                .isInstanceOf(IllegalArgumentException.class);
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

        assertThat(hub.requests()).hasSize(2)
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
    }

    @Test
    void localFolderIsUsedInPlace() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("ckpt"));
        Files.write(folder.resolve("config.json"), CONFIG);
        Files.write(folder.resolve("model.safetensors"), WEIGHTS);

        TimmCheckpoint byPath = (TimmCheckpoint) resolver(props()).resolve(folder.toString(), null);
        TimmCheckpoint byUrl = (TimmCheckpoint) resolver(props()).resolve(folder.toUri().toString(), null);

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
        assertThatThrownBy(() -> resolver(props()).resolve(tmp.resolve("nowhere").toString(), null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void localTorchScriptFile() throws IOException {
        Path pt = Files.write(tmp.resolve("model.pt"), WEIGHTS);

        ResolvedSource resolved = resolver(props()).resolve(pt.toString(), null);

        assertThat(resolved).isEqualTo(new TorchScript(pt, pt.toString()));
        assertThatThrownBy(() -> resolver(props()).resolve(tmp.resolve("missing.pt").toString(), null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("missing.pt");
    }

    @Test
    void remoteTorchScriptIsCachedAndTheQueryStaysOutOfTheDescription() throws IOException {
        cdn.file("/files/traced.pt", WEIGHTS);
        String url = cdn.url("/files/traced.pt?sig=secret");

        TorchScript ts = (TorchScript) resolver(props()).resolve(url, null);

        assertThat(ts.file()).isEqualTo(cache.resolve("url").resolve(Urls.sha256Hex(url)).resolve("traced.pt"));
        assertThat(Files.readAllBytes(ts.file())).isEqualTo(WEIGHTS);
        assertThat(ts.description()).isEqualTo(cdn.url("/files/traced.pt") + "?...").doesNotContain("secret");

        assertThat(resolver(props().offline(true)).resolve(url, null)).isEqualTo(ts);
        assertThat(cdn.requestCount()).isEqualTo(1);
        assertThatThrownBy(() -> resolver(props().offline(true)).resolve(cdn.url("/files/other.pt"), null))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("other.pt")
                .hasMessageContaining("offline");
    }

    @Test
    void randomUsesTheGivenSeed() {
        assertThat(resolver(props()).resolve("random", Architecture.INCEPTION_V4, 7)).isEqualTo(new RandomWeights(7));
        assertThat(resolver(props()).resolve(" RANDOM ", null)).isEqualTo(new RandomWeights(42));
        assertThat(hub.requestCount()).isZero();
    }
}
