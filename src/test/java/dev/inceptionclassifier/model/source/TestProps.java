package dev.inceptionclassifier.model.source;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.util.unit.DataSize;

/** {@link SourceSettings} for the tests of model loading. */
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

    public SourceSettings build() {
        return new SourceSettings(
                cache,
                offline,
                labelsBaseUrl,
                new SourceSettings.Hub(endpoint, token, Duration.ofSeconds(2), readTimeout, maxDownloadSize.toBytes()));
    }
}
