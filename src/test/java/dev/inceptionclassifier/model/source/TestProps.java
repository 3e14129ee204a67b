package dev.inceptionclassifier.model.source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.inceptionclassifier.config.ClassifierProperties;
import dev.inceptionclassifier.config.ClassifierProperties.Engine;
import dev.inceptionclassifier.config.ClassifierProperties.Hub;
import dev.inceptionclassifier.config.ClassifierProperties.Image;
import dev.inceptionclassifier.config.ClassifierProperties.Inference;
import dev.inceptionclassifier.config.ClassifierProperties.ModelProperties;
import dev.inceptionclassifier.config.ClassifierProperties.Preprocess;
import dev.inceptionclassifier.config.ClassifierProperties.Security;
import dev.inceptionclassifier.config.ClassifierProperties.Sha256;
import org.springframework.util.unit.DataSize;

/** {@link ClassifierProperties} for the source tests, built with the canonical constructors. */
/** Test properties: everything defaulted, one {@code inception_v4} model unless {@link #build(List)} says. */
public final class TestProps {

    private Path cache;
    private boolean offline;
    private String endpoint = "https://huggingface.co";
    private String token;
    private Duration readTimeout = Duration.ofSeconds(10);
    private String labelsBaseUrl = "https://example.invalid/labels/";
    private DataSize maxDownloadSize = DataSize.ofGigabytes(1);

    public static TestProps cache(Path cache) {
        TestProps p = new TestProps();
        p.cache = cache;
        return p;
    }

    public TestProps offline(boolean offline) {
        this.offline = offline;
        return this;
    }

    TestProps endpoint(String endpoint) {
        this.endpoint = endpoint;
        return this;
    }

    TestProps token(String token) {
        this.token = token;
        return this;
    }

    TestProps readTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
        return this;
    }

    TestProps maxDownloadSize(DataSize maxDownloadSize) {
        this.maxDownloadSize = maxDownloadSize;
        return this;
    }

    TestProps labelsBaseUrl(String labelsBaseUrl) {
        this.labelsBaseUrl = labelsBaseUrl;
        return this;
    }

    ClassifierProperties build() {
        return build(List.of(new ModelProperties("m", "inception_v4", null, null, 42, null,
                new Preprocess(null, null, null, null, null, null, null), true, new Sha256(null, null), false, null,
                null)));
    }

    /** The properties with {@code models}. */
    public ClassifierProperties build(List<ModelProperties> models) {
        return new ClassifierProperties(models, false, offline, cache,
                new Hub(endpoint, token, Duration.ofSeconds(2), readTimeout, maxDownloadSize), labelsBaseUrl,
                new Engine(null, null, true, true, null),
                new Image(20_971_520, 40_000_000, 20_000, 4_194_304, 100, Duration.ofSeconds(10), 16, 67_108_864,
                        "auto", null, null, "50%", Duration.ofSeconds(2), Duration.ofSeconds(60)),
                new Inference("cpu", 1, 8, Duration.ofMillis(5), 64, Duration.ofSeconds(10), 503, Duration.ofSeconds(1),
                        "fp32", Duration.ofSeconds(30), Duration.ofSeconds(10), 3, "compiled"),
                new Security(List.of(), false));
    }
}
