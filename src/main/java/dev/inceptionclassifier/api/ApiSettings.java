package dev.inceptionclassifier.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What the HTTP layer needs of {@code classifier.*} (built by {@code config}; the properties' javadoc says what each
 * value means).
 *
 * @param maxImageBytes largest accepted image ({@code classifier.image.max-bytes})
 * @param maxImagesPerRequest most images in one request
 * @param maxRequestBytes largest request body carrying several images
 * @param uploadTimeout longest the whole request body may take to arrive
 * @param apiKeys accepted {@code X-API-Key} values; empty turns the check off
 * @param openMetrics leave {@code GET /actuator/prometheus} open
 * @param rejectStatus HTTP status of a full queue: 503 or 429
 * @param retryAfter the Retry-After of rejections
 * @param serving the batching settings, as {@code GET /models} reports them
 * @param preprocess each model's preprocessing overrides ({@code classifier.models[i].preprocess.*}), by model name
 */
public record ApiSettings(
        long maxImageBytes,
        int maxImagesPerRequest,
        long maxRequestBytes,
        Duration uploadTimeout,
        List<String> apiKeys,
        boolean openMetrics,
        int rejectStatus,
        Duration retryAfter,
        Serving serving,
        Map<String, Preprocess> preprocess) {

    public ApiSettings {
        // a bound list may hold a blank or null entry: ApiKeyFilter ignores those, so keep them rather than fail here
        apiKeys = Collections.unmodifiableList(new ArrayList<>(apiKeys));
        preprocess = Map.copyOf(preprocess);
    }

    /**
     * A model's preprocessing overrides; null values keep what the weights imply. The input size is the model's
     * (the network is fed it), so it is not here.
     *
     * @param preset a published preset to start from instead of the weights' own
     * @param resizeMode {@code crop} or {@code squash}
     * @param cropPct crop fraction
     * @param interpolation {@code bicubic} or {@code bilinear}
     * @param mean per-channel mean (RGB)
     * @param std per-channel standard deviation (RGB)
     */
    public record Preprocess(
            String preset,
            String resizeMode,
            Double cropPct,
            String interpolation,
            List<Double> mean,
            List<Double> std) {}

    @Override
    public String toString() {
        return "ApiSettings[maxImageBytes=" + maxImageBytes + ", apiKeys=" + apiKeys.size() + " configured, serving="
                + serving + "]";
    }

    /**
     * The batching settings ({@code classifier.inference.*}).
     *
     * @param device configured device setting
     * @param workersPerDevice workers per model and device
     * @param maxBatchSize largest batch
     * @param maxBatchDelay longest wait for a batch to fill
     * @param queueCapacity queued requests per model before rejection
     * @param requestTimeout default and longest request deadline
     * @param precision the default precision
     * @param execution the default execution
     */
    public record Serving(
            String device,
            int workersPerDevice,
            int maxBatchSize,
            Duration maxBatchDelay,
            int queueCapacity,
            Duration requestTimeout,
            String precision,
            String execution) {}
}
