package dev.inceptionclassifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Grafana dashboard: valid against Grafana's own dashboard schema (from the {@code @grafana/schema} npm package,
 * offline), and structurally sound: datasources, unique ids, templating, aggregatable quantiles, known metrics.
 */
class DashboardTests {

    private static final Path VALIDATOR = DeployFiles.TEST_RESOURCES.resolve("dashboard-schema/validate-dashboard.cjs");

    /** Metrics the service exposes (Prometheus names, histogram suffixes stripped). */
    private static final Set<String> KNOWN_METRICS = Set.of(
            "classifier_requests_total",
            "classifier_decode_seconds",
            "classifier_preprocess_seconds",
            "classifier_queue_wait_seconds",
            "classifier_inference_seconds",
            "classifier_batch_size",
            "classifier_batches_total",
            "classifier_queue_depth",
            "classifier_inflight",
            "classifier_workers",
            "classifier_worker_restarts_total",
            "classifier_process_resident_memory_bytes",
            "http_server_requests_seconds",
            "jvm_memory_used_bytes",
            "jvm_memory_committed_bytes",
            "jvm_memory_max_bytes",
            "jvm_gc_pause_seconds",
            "process_cpu_usage");

    private static final Pattern METRIC = Pattern.compile("\\b([a-z_]+?)(?:_bucket|_sum|_count|_max)?\\{");

    private final Dashboard dashboard = Dashboard.read(DeployFiles.DASHBOARD);

    @Test
    void validAgainstGrafanaDashboardSchema() {
        Tools.Result result = validate(DeployFiles.DASHBOARD);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("VALID");
    }

    @Test
    void schemaCheckRejectsABrokenDashboard(@TempDir Path dir) throws Exception {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode broken = (ObjectNode) mapper.readTree(DeployFiles.DASHBOARD.toFile());
        ((ObjectNode) broken.path("panels").get(1)).put("gridPos", "top left");
        broken.put("refersh", "10s");
        Path file = dir.resolve("broken.json");
        Files.writeString(file, mapper.writeValueAsString(broken));

        Tools.Result result = validate(file);
        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).contains("/panels/1/gridPos").contains("refersh");
    }

    @Test
    void everyPanelHasTheDatasourceVariableAndPromqlTargets() {
        assertThat(dashboard.panels()).hasSizeGreaterThanOrEqualTo(14);
        for (JsonNode panel : dashboard.panels()) {
            String title = panel.path("title").asString();
            assertThat(title).isNotBlank();
            assertThat(panel.path("description").asString())
                    .as("description of %s", title)
                    .isNotBlank();
            assertThat(panel.path("datasource").path("uid").asString())
                    .as(title)
                    .isEqualTo("${datasource}");
            assertThat(panel.path("datasource").path("type").asString())
                    .as(title)
                    .isEqualTo("prometheus");
            assertThat(panel.path("targets").size()).as("targets of %s", title).isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asString())
                        .as("expr in %s", title)
                        .isNotBlank();
                assertThat(refIds.add(target.path("refId").asString()))
                        .as("unique refId in %s", title)
                        .isTrue();
            }
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt())
                    .as("width of %s", title)
                    .isLessThanOrEqualTo(24);
        }
    }

    @Test
    void idsAndUidAreUnique() {
        List<Integer> ids = dashboard.allPanelsAndRows().stream()
                .map(p -> p.path("id").asInt())
                .toList();
        assertThat(ids).doesNotHaveDuplicates().doesNotContain(0);
        assertThat(dashboard.root.path("uid").asString()).isEqualTo("inception-classifier");
    }

    @Test
    void templatedByNamespacePodAndModel() {
        assertThat(dashboard.variable("datasource").path("type").asString()).isEqualTo("datasource");
        assertThat(dashboard.variable("datasource").path("query").asString()).isEqualTo("prometheus");
        for (String name : List.of("namespace", "pod", "model")) {
            JsonNode variable = dashboard.variable(name);
            assertThat(variable.path("type").asString()).isEqualTo("query");
            assertThat(variable.path("includeAll").asBoolean()).isTrue();
            assertThat(variable.path("allValue").asString()).isEqualTo(".*");
            assertThat(variable.path("query").path("query").asString())
                    .startsWith("label_values(")
                    .endsWith(", " + name + ")");
        }
        for (Dashboard.Query q : dashboard.queries()) {
            assertThat(q.expr())
                    .as("%s %s", q.panel(), q.refId())
                    .contains("application=\"inception-classifier\"")
                    .contains("namespace=~\"$namespace\"")
                    .contains("pod=~\"$pod\"");
            if (q.expr().contains("classifier_")
                    && !q.expr().contains("classifier_decode_seconds")
                    && !q.expr().contains("classifier_process_resident")) {
                assertThat(q.expr())
                        .as("%s %s filters by model", q.panel(), q.refId())
                        .contains("model=~\"$model\"");
            }
        }
    }

    @Test
    void quantilesAggregateBucketsAcrossPods() {
        List<String> quantiles = dashboard.queries().stream()
                .map(Dashboard.Query::expr)
                .filter(e -> e.contains("histogram_quantile"))
                .toList();
        assertThat(quantiles).hasSizeGreaterThanOrEqualTo(13);
        Pattern aggregatable = Pattern.compile("histogram_quantile\\(0\\.\\d+, sum by \\(le(, [a-z]+)*\\) "
                + "\\(rate\\([a-z_]+_bucket\\{[^}]*}\\[\\$__rate_interval]\\)\\)\\)");
        assertThat(quantiles)
                .allSatisfy(
                        e -> assertThat(aggregatable.matcher(e).matches()).as(e).isTrue());
        for (String metric : List.of(
                "http_server_requests_seconds",
                "classifier_queue_wait_seconds",
                "classifier_inference_seconds",
                "classifier_preprocess_seconds")) {
            for (String q : List.of("0.5", "0.95", "0.99")) {
                assertThat(quantiles)
                        .as("p%s of %s", q, metric)
                        .anyMatch(e -> e.startsWith("histogram_quantile(" + q + ",") && e.contains(metric + "_bucket"));
            }
        }
    }

    @Test
    void panelsCoverTheServiceMetrics() {
        List<String> metrics = new ArrayList<>();
        for (Dashboard.Query q : dashboard.queries()) {
            Matcher m = METRIC.matcher(q.expr());
            while (m.find()) {
                metrics.add(m.group(1));
                assertThat(KNOWN_METRICS)
                        .as("metric in %s %s", q.panel(), q.refId())
                        .contains(m.group(1));
            }
        }
        assertThat(metrics)
                .containsAll(KNOWN_METRICS.stream()
                        .filter(m -> !m.equals("jvm_memory_max_bytes"))
                        .toList());
        assertThat(dashboard.queries())
                .anySatisfy(
                        q -> assertThat(q.expr())
                                .isEqualTo(
                                        "sum by (model) (rate(classifier_batch_size_sum{application=\"inception-classifier\", "
                                                + "namespace=~\"$namespace\", pod=~\"$pod\", model=~\"$model\"}[$__rate_interval])) / "
                                                + "sum by (model) (rate(classifier_batch_size_count{application=\"inception-classifier\", "
                                                + "namespace=~\"$namespace\", pod=~\"$pod\", model=~\"$model\"}[$__rate_interval]))"));
        assertThat(dashboard.panels())
                .extracting(p -> p.path("title").asString())
                .contains(
                        "Request rate by outcome",
                        "Error rate",
                        "Rejections and timeouts",
                        "End-to-end latency (POST /classify)",
                        "Queue wait",
                        "Inference time per batch",
                        "Preprocessing and decoding",
                        "Mean batch size",
                        "Batches per second",
                        "Queue depth and in-flight",
                        "JVM memory used",
                        "Process resident memory",
                        "GC pauses",
                        "CPU usage");
    }

    private static Tools.Result validate(Path dashboardFile) {
        assumeTrue(Tools.which("node").isPresent(), "node is not installed: skipping the Grafana schema check");
        assumeTrue(
                Files.isDirectory(DeployFiles.NODE_MODULES.resolve("@grafana/schema")),
                "npm packages missing in " + DeployFiles.NODE_MODULES + ": run .ci/deploy-prereqs.sh");
        return Tools.run(
                List.of("node", VALIDATOR.toString(), dashboardFile.toString()),
                DeployFiles.ROOT,
                Map.of("NODE_PATH", DeployFiles.NODE_MODULES.toString()),
                Duration.ofMinutes(2));
    }
}
