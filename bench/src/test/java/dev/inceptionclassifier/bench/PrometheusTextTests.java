package dev.inceptionclassifier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTests {

    static String scrape(double batchSum, double batchCount, double rss, double ok, double rejected) {
        return """
                # HELP classifier_batch_size Images per executed batch
                # TYPE classifier_batch_size histogram
                classifier_batch_size_bucket{application="inception-classifier",model="inception_v4",le="1.0"} 3
                classifier_batch_size_count{application="inception-classifier",model="inception_v4"} %s
                classifier_batch_size_sum{application="inception-classifier",model="inception_v4"} %s
                classifier_batch_size_count{application="inception-classifier",model="other"} 100
                classifier_batch_size_sum{application="inception-classifier",model="other"} 800
                classifier_inference_seconds_count{device="cpu()",model="inception_v4"} %s
                classifier_inference_seconds_sum{device="cpu()",model="inception_v4"} 2.5
                classifier_process_resident_memory_bytes{application="inception-classifier"} %s
                classifier_requests_total{model="inception_v4",outcome="ok"} %s
                classifier_requests_total{model="inception_v4",outcome="rejected"} %s
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1048576
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2097152
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.9E7
                jvm_gc_live_data_size_bytes 5.0E6
                weird_metric{path="a\\"b,c=d",x="y"} +Inf
                """.formatted(batchCount, batchSum, batchCount, rss, ok, rejected);
    }

    @Test
    void parsesLabelsEscapesAndSpecialValues() {
        PrometheusText t = PrometheusText.parse(scrape(10, 2, 1e9, 5, 1));
        PrometheusText.Sample weird = t.samples().stream()
                .filter(s -> s.name().equals("weird_metric"))
                .findFirst()
                .orElseThrow();
        assertThat(weird.labels()).containsEntry("path", "a\"b,c=d").containsEntry("x", "y");
        assertThat(weird.value()).isInfinite();
        assertThat(t.sum("jvm_memory_used_bytes", l -> "heap".equals(l.get("area"))))
                .isEqualTo(3 * 1048576.0);
        assertThat(t.sum("classifier_batch_size_count")).isEqualTo(102);
        assertThat(t.sum("absent")).isNaN();
        assertThat(t.sumBy("classifier_requests_total", "outcome"))
                .containsEntry("ok", 5.0)
                .containsEntry("rejected", 1.0);
    }

    @Test
    void snapshotsGiveMeanBatchSizeAndMemoryOfOneModel() {
        ServerSnapshot before = ServerSnapshot.of(PrometheusText.parse(scrape(10, 2, 1e9, 5, 1)), "inception_v4");
        ServerSnapshot after = ServerSnapshot.of(PrometheusText.parse(scrape(70, 12, 1.1e9, 65, 4)), "inception_v4");
        assertThat(after.meanBatchSizeSince(before)).isEqualTo(6.0);
        assertThat(after.batchesSince(before)).isEqualTo(10.0);
        assertThat(after.residentBytes()).isEqualTo(1.1e9);
        assertThat(after.heapUsedBytes()).isEqualTo(3 * 1048576.0);
        assertThat(after.liveDataBytes()).isEqualTo(5e6);
        assertThat(after.outcomesSince(before)).isEqualTo(Map.of("ok", 60.0, "rejected", 3.0));
        assertThat(after.available()).isTrue();
        assertThat(ServerSnapshot.UNAVAILABLE.available()).isFalse();
        assertThat(after.meanBatchSizeSince(after)).isNaN();

        ServerSnapshot all = ServerSnapshot.of(PrometheusText.parse(scrape(10, 2, 1e9, 5, 1)), null);
        assertThat(all.batchSizeSum()).isCloseTo(810, within(1e-9));
    }
}
