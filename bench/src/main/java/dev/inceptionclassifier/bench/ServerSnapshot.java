package dev.inceptionclassifier.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the service's {@code /actuator/prometheus} says at one moment: batching counters, request outcomes and
 * memory. Values missing from the scrape are NaN, so a report degrades to "n/a" instead of failing.
 *
 * @param batchSizeSum {@code classifier_batch_size_sum}: images run in batches so far
 * @param batchSizeCount {@code classifier_batch_size_count}: batches run so far
 * @param inferenceSeconds {@code classifier_inference_seconds_sum}: time spent in batchPredict
 * @param queueWaitSeconds {@code classifier_queue_wait_seconds_sum}
 * @param queueWaitCount {@code classifier_queue_wait_seconds_count}
 * @param residentBytes {@code classifier_process_resident_memory_bytes}: process RSS
 * @param heapUsedBytes {@code jvm_memory_used_bytes{area="heap"}} summed over pools
 * @param liveDataBytes {@code jvm_gc_live_data_size_bytes}: heap live after the last old-generation collection
 * @param outcomes {@code classifier_requests_total} by outcome
 */
record ServerSnapshot(
        double batchSizeSum,
        double batchSizeCount,
        double inferenceSeconds,
        double queueWaitSeconds,
        double queueWaitCount,
        double residentBytes,
        double heapUsedBytes,
        double liveDataBytes,
        Map<String, Double> outcomes) {

    static final ServerSnapshot UNAVAILABLE = new ServerSnapshot(
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Map.of());

    boolean available() {
        return !Double.isNaN(residentBytes) || !Double.isNaN(batchSizeCount) || !Double.isNaN(heapUsedBytes);
    }

    /** Reads the classifier meters of {@code model} (all models when null) from one scrape. */
    static ServerSnapshot of(PrometheusText t, String model) {
        Predicate<Map<String, String>> m = labels -> model == null || model.equals(labels.get("model"));
        Map<String, Double> outcomes = new HashMap<>();
        for (PrometheusText.Sample s : t.samples()) {
            if (s.name().equals("classifier_requests_total") && m.test(s.labels())) {
                outcomes.merge(s.labels().getOrDefault("outcome", ""), s.value(), Double::sum);
            }
        }
        return new ServerSnapshot(
                t.sum("classifier_batch_size_sum", m),
                t.sum("classifier_batch_size_count", m),
                t.sum("classifier_inference_seconds_sum", m),
                t.sum("classifier_queue_wait_seconds_sum", m),
                t.sum("classifier_queue_wait_seconds_count", m),
                t.sum("classifier_process_resident_memory_bytes"),
                t.sum("jvm_memory_used_bytes", l -> "heap".equals(l.get("area"))),
                t.sum("jvm_gc_live_data_size_bytes"),
                Map.copyOf(outcomes));
    }

    /** Scrapes the endpoint; {@link #UNAVAILABLE} (with a warning) when it cannot be read. */
    static ServerSnapshot scrape(HttpClient client, URI metrics, String model) {
        try {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(metrics)
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                System.err.println("warning: " + metrics + " answered " + r.statusCode());
                return UNAVAILABLE;
            }
            return of(PrometheusText.parse(r.body()), model);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNAVAILABLE;
        } catch (Exception e) {
            System.err.println("warning: cannot scrape " + metrics + ": " + e);
            return UNAVAILABLE;
        }
    }

    /** Mean images per batch between {@code before} and this snapshot. */
    double meanBatchSizeSince(ServerSnapshot before) {
        double batches = batchSizeCount - before.batchSizeCount;
        return batches > 0 ? (batchSizeSum - before.batchSizeSum) / batches : Double.NaN;
    }

    double batchesSince(ServerSnapshot before) {
        return batchSizeCount - before.batchSizeCount;
    }

    /** Mean seconds per batch in batchPredict between {@code before} and this snapshot. */
    double meanBatchSecondsSince(ServerSnapshot before) {
        double batches = batchSizeCount - before.batchSizeCount;
        return batches > 0 ? (inferenceSeconds - before.inferenceSeconds) / batches : Double.NaN;
    }

    double meanQueueWaitSecondsSince(ServerSnapshot before) {
        double n = queueWaitCount - before.queueWaitCount;
        return n > 0 ? (queueWaitSeconds - before.queueWaitSeconds) / n : Double.NaN;
    }

    /** Outcome counts between {@code before} and this snapshot. */
    Map<String, Double> outcomesSince(ServerSnapshot before) {
        Map<String, Double> d = new java.util.TreeMap<>();
        outcomes.forEach((k, v) -> d.put(k, v - before.outcomes.getOrDefault(k, 0.0)));
        return d;
    }
}
