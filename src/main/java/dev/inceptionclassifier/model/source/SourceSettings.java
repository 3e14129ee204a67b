package dev.inceptionclassifier.model.source;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the model sources and the labels need of the configuration (built by {@code config} from
 * {@code classifier.*}).
 *
 * @param cache folder for downloaded weights and labels
 * @param offline use only the cache, never the network
 * @param labelsBaseUrl base URL of timm's ImageNet label files ({@code imagenet-1k} alias)
 * @param hub how to reach the hub and https sources
 */
public record SourceSettings(Path cache, boolean offline, String labelsBaseUrl, Hub hub) {

    /**
     * Download settings.
     *
     * @param endpoint hub endpoint
     * @param token bearer token for private repositories, or null; never logged
     * @param connectTimeout connect timeout of downloads
     * @param readTimeout read timeout of downloads
     * @param maxDownloadBytes largest file any model download may be
     */
    public record Hub(
            String endpoint, String token, Duration connectTimeout, Duration readTimeout, long maxDownloadBytes) {

        @Override
        public String toString() {
            return "Hub[endpoint=" + endpoint + ", token=" + (token == null || token.isEmpty() ? "none" : "***") + "]";
        }
    }
}
