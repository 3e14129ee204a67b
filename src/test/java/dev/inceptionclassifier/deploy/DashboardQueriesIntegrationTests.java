package dev.inceptionclassifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inceptionclassifier.support.RandomInceptionV4;
import dev.inceptionclassifier.support.TestImages;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every PromQL expression of the Grafana dashboard, run against a real Prometheus (Debian's, started here on
 * 127.0.0.1) that scrapes the running service, must return data: metric names, labels and aggregations in the
 * dashboard match what the service exposes.
 */
@RandomInceptionV4
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.inference.workers=1",
            "classifier.inference.max-batch-size=2",
            "classifier.inference.max-batch-delay=20ms"
        })
class DashboardQueriesIntegrationTests {

    private static final String NAMESPACE = "it-namespace";
    private static final String POD = "it-pod";
    private static final String MODEL = "inception_v4";
    /** What Grafana's $__rate_interval would be with a 1 s scrape interval and a short range, generously. */
    private static final String RATE_INTERVAL = "30s";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+), ([a-z_]+)\\)");

    private static Process prometheus;
    private static Path prometheusDir;

    @LocalServerPort
    int port;

    @Test
    void everyDashboardQueryReturnsData() throws Exception {
        assumeTrue(
                Tools.which("prometheus").isPresent(),
                "prometheus is not installed (Debian package prometheus; .ci/deploy-prereqs.sh installs it)");
        String prom = startPrometheus(port);
        // jvm_gc_pause_seconds appears with the first collection after start-up; make sure there is one, early.
        System.gc();

        byte[] jpeg = TestImages.jpeg(400, 300, 3);
        for (int i = 0; i < 6; i++) {
            Http.Response r = Http.postImage("http://127.0.0.1:" + port + "/classify", jpeg, "photo.jpg", "image/jpeg");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        Http.Response bad = Http.postImage(
                "http://127.0.0.1:" + port + "/classify", "not an image".getBytes(), "notes.jpg", "image/jpeg");
        assertThat(bad.status()).isBetween(400, 499);
        // three scrapes of the newest series after the requests: every series has samples to rate over
        awaitValue(
                prom,
                "min(count_over_time(classifier_requests_total{namespace=\"" + NAMESPACE + "\"}[1m]))",
                3,
                Duration.ofSeconds(60));
        awaitValue(
                prom,
                "min(count_over_time(jvm_gc_pause_seconds_count{namespace=\"" + NAMESPACE + "\"}[1m]))",
                3,
                Duration.ofSeconds(60));

        Dashboard dashboard = Dashboard.read(DeployFiles.DASHBOARD);
        Map<String, String> values = Map.of("namespace", NAMESPACE, "pod", POD, "model", MODEL);
        List<String> empty = new ArrayList<>();
        int checked = 0;
        for (Dashboard.Query q : dashboard.queries()) {
            String expr = Dashboard.substitute(q.expr(), values, RATE_INTERVAL);
            JsonNode result = query(prom, expr);
            checked++;
            if (result.isEmpty()) {
                empty.add(q.panel() + " / " + q.refId() + ": " + expr);
            }
        }
        assertThat(empty).as("dashboard queries without data").isEmpty();
        assertThat(checked).isEqualTo(dashboard.queries().size()).isGreaterThanOrEqualTo(25);

        // the template variables' label_values() queries find the scraped labels
        for (String name : List.of("namespace", "pod", "model")) {
            String definition =
                    dashboard.variable(name).path("query").path("query").asString();
            Matcher m = LABEL_VALUES.matcher(definition);
            assertThat(m.matches()).as(definition).isTrue();
            String match = Dashboard.substitute(m.group(1), values, RATE_INTERVAL);
            JsonNode found = api(prom, "/api/v1/label/" + m.group(2) + "/values?match[]=" + Http.encode(match));
            assertThat(found)
                    .as("label_values for $%s", name)
                    .extracting(JsonNode::asString)
                    .contains(values.get(name));
        }
    }

    @AfterAll
    static void stopPrometheus() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor();
            }
        }
        if (prometheusDir != null) {
            FileSystemUtils.deleteRecursively(prometheusDir);
        }
    }

    private static String startPrometheus(int servicePort) throws IOException, InterruptedException {
        prometheusDir = Files.createTempDirectory("prometheus-it");
        int promPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            promPort = socket.getLocalPort();
        }
        Path config = prometheusDir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: inception-classifier
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                        labels:
                          namespace: %s
                          pod: %s
                """.formatted(servicePort, NAMESPACE, POD));
        Path log = prometheusDir.resolve("prometheus.log");
        prometheus = new ProcessBuilder(
                        "prometheus",
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + prometheusDir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + promPort,
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        String url = "http://127.0.0.1:" + promPort;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            if (!prometheus.isAlive()) {
                throw new AssertionError("prometheus exited: " + Files.readString(log));
            }
            try {
                if (Http.get(url + "/-/ready").status() == 200) {
                    return url;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("prometheus not ready: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    private static void awaitValue(String prom, String expr, double atLeast, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode result = query(prom, expr);
            if (!result.isEmpty() && result.get(0).path("value").get(1).asDouble() >= atLeast) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + atLeast + " from " + expr + " within " + timeout + ": " + result
                        + "; targets: " + Http.get(prom + "/api/v1/targets").body());
            }
            Thread.sleep(250);
        }
    }

    private static JsonNode query(String prom, String expr) {
        JsonNode data = api(prom, "/api/v1/query?query=" + Http.encode(expr));
        return data.path("result");
    }

    private static JsonNode api(String prom, String pathAndQuery) {
        Http.Response r = Http.get(prom + pathAndQuery);
        assertThat(r.status()).as("%s -> %s", pathAndQuery, r.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.path("status").asString()).isEqualTo("success");
        return json.path("data");
    }
}
