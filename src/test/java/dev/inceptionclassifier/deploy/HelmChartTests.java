package dev.inceptionclassifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Helm chart, checked with the real Helm (helm-java bundles it): {@code helm lint --strict}, then
 * {@code helm template} for the default values and for values files that switch the optional parts on, read into
 * typed Kubernetes models that reject unknown fields.
 */
class HelmChartTests {

    private static final Path GPU_VALUES = DeployFiles.TEST_RESOURCES.resolve("values-gpu-custom-metrics.yaml");
    private static final Path KEDA_VALUES = DeployFiles.TEST_RESOURCES.resolve("values-keda.yaml");
    private static final Path SHUTDOWN_VALUES = DeployFiles.TEST_RESOURCES.resolve("values-shutdown.yaml");
    private static final String FULLNAME = RenderedChart.RELEASE + "-inception-classifier";

    @Test
    void lintStrictPasses() {
        LintResult lint = new Helm(DeployFiles.CHART).lint().strict().call();
        assertThat(lint.isFailed())
                .as("helm lint --strict: %s", lint.getMessages())
                .isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void defaultValuesRenderAHardenedDeploymentThatFailsClosed() {
        RenderedChart chart = RenderedChart.render();

        assertThat(chart.kinds())
                .containsExactly(
                        "ConfigMap",
                        "ConfigMap",
                        "Deployment",
                        "HorizontalPodAutoscaler",
                        "Pod",
                        "PodDisruptionBudget",
                        "Service",
                        "ServiceAccount");

        Deployment deployment = chart.one(Deployment.class);
        assertThat(deployment.getMetadata().getName()).isEqualTo(FULLNAME);
        assertThat(deployment.getSpec().getReplicas())
                .as("the HPA owns the replica count")
                .isNull();
        assertThat(deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal())
                .isZero();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container app = pod.getContainers().get(0);

        assertThat(app.getImage()).isEqualTo("inception-classifier:0.1.0");
        assertThat(app.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(8080);
            assertThat(p.getName()).isEqualTo("http");
        });
        // probes on the actuator health groups; the startup probe covers download + warm-up
        assertThat(app.getStartupProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(app.getStartupProbe().getPeriodSeconds()
                        * app.getStartupProbe().getFailureThreshold())
                .as("startup budget in seconds")
                .isGreaterThanOrEqualTo(600);
        assertThat(app.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(app.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5L);
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(90L);

        // non-root, read-only root filesystem, no capabilities
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(app.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(app.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(app.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();

        // writable volumes only where the service writes: /tmp and the cache
        assertThat(app.getVolumeMounts())
                .extracting(m -> m.getName() + ":" + m.getMountPath())
                .containsExactlyInAnyOrder("config:/config", "cache:/var/cache/inception-classifier", "tmp:/tmp");
        assertThat(volume(pod, "cache").getEmptyDir()).isNotNull();
        assertThat(volume(pod, "tmp").getEmptyDir()).isNotNull();

        // resources and container-aware memory
        assertThat(app.getResources().getRequests())
                .containsEntry("cpu", new Quantity("2"))
                .containsEntry("memory", new Quantity("3Gi"));
        assertThat(app.getResources().getLimits())
                .containsEntry("memory", new Quantity("4Gi"))
                .doesNotContainKey("nvidia.com/gpu");
        assertThat(env(app, "JAVA_TOOL_OPTIONS"))
                .contains("-XX:MaxRAMPercentage=25")
                .contains("ExitOnOutOfMemoryError");
        assertThat(env(app, "MALLOC_ARENA_MAX")).isEqualTo("2");
        assertThat(env(app, "SPRING_CONFIG_ADDITIONAL_LOCATION")).isEqualTo("optional:file:/config/");
        assertThat(env(app, "DJL_CACHE_DIR")).isEqualTo("/var/cache/inception-classifier/djl");
        assertThat(pod.getNodeSelector()).isNullOrEmpty();
        assertThat(pod.getTolerations()).isNullOrEmpty();

        // the classifier.* configuration: models from values, random fallback off, cache on the volume
        JsonNode classifier = applicationYaml(chart).path("classifier");
        assertThat(classifier.path("fallbackToRandom").isBoolean()).isTrue();
        assertThat(classifier.path("fallbackToRandom").asBoolean()).isFalse();
        assertThat(classifier.path("modelCache").asString()).isEqualTo("/var/cache/inception-classifier/models");
        assertThat(classifier.path("models")).hasSize(1);
        assertThat(classifier.path("models").get(0).path("name").asString()).isEqualTo("inception_v4");
        assertThat(classifier.path("models").get(0).has("source")).isFalse();
        assertThat(classifier.path("inference").path("maxBatchSize").asInt()).isEqualTo(8);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKey("checksum/config");

        // HPA on CPU by default
        HorizontalPodAutoscaler hpa = chart.one(HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(FULLNAME);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
        assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(m -> {
            assertThat(m.getType()).isEqualTo("Resource");
            assertThat(m.getResource().getName()).isEqualTo("cpu");
            assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        });

        PodDisruptionBudget pdb = chart.one(PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());

        Service service = chart.one(Service.class);
        assertThat(service.getSpec().getSelector())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
        });
        assertThat(chart.one(ServiceAccount.class).getMetadata().getName()).isEqualTo(pod.getServiceAccountName());

        // helm test hook calls readiness through the Service
        Pod test = chart.one(Pod.class);
        assertThat(test.getMetadata().getAnnotations()).containsEntry(RenderedChart.HOOK_ANNOTATION, "test");
        assertThat(String.join(" ", test.getSpec().getContainers().get(0).getCommand()))
                .contains("http://" + FULLNAME + ":8080/actuator/health/readiness");
    }

    /**
     * Shutdown runs its steps one after the other: preStop sleep, the web server's graceful phase, the inference
     * drain, the wait for the workers. The grace period must cover their sum, read back from what the pod and the
     * service actually get (the preStop hook and the rendered application.yaml), plus the margin.
     */
    @Test
    void theGracePeriodIsTheSumOfTheShutdownStepsTheServiceIsConfiguredWith() {
        record Case(RenderedChart chart, long margin, long expectedGrace) {}
        for (Case c : List.of(
                new Case(RenderedChart.render(), 5, 5 + 40 + 30 + 10 + 5),
                new Case(RenderedChart.render(SHUTDOWN_VALUES), 7, 0 + 100 + 45 + 20 + 7))) {
            PodSpec pod =
                    c.chart().one(Deployment.class).getSpec().getTemplate().getSpec();
            Container app = pod.getContainers().get(0);
            long preStop = app.getLifecycle() == null
                    ? 0
                    : app.getLifecycle().getPreStop().getSleep().getSeconds();
            JsonNode config = applicationYaml(c.chart());
            long graceful = seconds(config.path("spring").path("lifecycle").path("timeout-per-shutdown-phase"));
            JsonNode inference = config.path("classifier").path("inference");
            long drain = seconds(inference.path("drainTimeout"));
            long workerStop = seconds(inference.path("workerStopTimeout"));
            assertThat(pod.getTerminationGracePeriodSeconds())
                    .as("grace period")
                    .isEqualTo(preStop + graceful + drain + workerStop + c.margin())
                    .isEqualTo(c.expectedGrace());
            // the user's other inference settings survive next to the injected timeouts
            assertThat(inference.path("maxBatchSize").asInt()).isPositive();
        }
    }

    /** A duration the chart renders, in whole seconds ({@code 40s}). */
    private static long seconds(JsonNode value) {
        String s = value.asString();
        assertThat(s).as("rendered duration").matches("\\d+s");
        return Long.parseLong(s.substring(0, s.length() - 1));
    }

    @Test
    void gpuValuesRequestAGpuAndScaleOnQueueMetrics() {
        RenderedChart chart = RenderedChart.render(GPU_VALUES);

        assertThat(chart.kinds())
                .containsExactly(
                        "ConfigMap",
                        "ConfigMap",
                        "Deployment",
                        "HorizontalPodAutoscaler",
                        "NetworkPolicy",
                        "PersistentVolumeClaim",
                        "Pod",
                        "PodDisruptionBudget",
                        "Service",
                        "ServiceAccount",
                        "ServiceMonitor");
        PodSpec pod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
        Container app = pod.getContainers().get(0);
        assertThat(app.getImage()).isEqualTo("inception-classifier:0.1.0-gpu");
        assertThat(app.getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("1"))
                .containsEntry("memory", new Quantity("8Gi"));
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(pod.getTolerations()).anySatisfy(t -> {
            assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
            assertThat(t.getOperator()).isEqualTo("Exists");
        });
        assertThat(pod.getInitContainers())
                .singleElement()
                .satisfies(c -> assertThat(c.getName()).isEqualTo("prefetch-weights"));
        assertThat(volume(pod, "cache").getPersistentVolumeClaim().getClaimName())
                .isEqualTo(FULLNAME + "-cache");
        assertThat(chart.one(PersistentVolumeClaim.class)
                        .getSpec()
                        .getResources()
                        .getRequests())
                .containsEntry("storage", new Quantity("10Gi"));
        assertThat(app.getEnv())
                .filteredOn(e -> e.getName().equals("HF_TOKEN"))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("hf-token"));
        assertThat(app.getEnv())
                .filteredOn(e -> e.getName().equals("CLASSIFIER_SECURITY_APIKEYS"))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("classifier-api-keys"));

        JsonNode classifier = applicationYaml(chart).path("classifier");
        assertThat(classifier.path("fallbackToRandom").asBoolean(true)).isFalse();
        assertThat(classifier.path("offline").asBoolean()).isTrue();
        assertThat(classifier.path("models")).hasSize(2);
        assertThat(classifier.path("inference").path("device").asString()).isEqualTo("gpu");
        assertThat(classifier.path("inference").path("precision").asString()).isEqualTo("fp16");

        List<MetricSpec> metrics =
                chart.one(HorizontalPodAutoscaler.class).getSpec().getMetrics();
        assertThat(metrics).extracting(MetricSpec::getType).containsExactly("Resource", "Pods", "Pods");
        assertThat(metrics.get(1).getPods().getMetric().getName()).isEqualTo("classifier_queue_depth");
        assertThat(metrics.get(1).getPods().getTarget().getAverageValue()).isEqualTo(new Quantity("4"));
        assertThat(metrics.get(2).getPods().getMetric().getName()).isEqualTo("classifier_queue_wait_seconds_p95");
        assertThat(metrics.get(2).getPods().getTarget().getAverageValue()).isEqualTo(new Quantity("50m"));

        GenericKubernetesResource monitor = chart.custom("ServiceMonitor");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        Map<String, Object> endpoint = first(monitor.get("spec", "endpoints"));
        assertThat(endpoint).containsEntry("port", "http").containsEntry("path", "/actuator/prometheus");
        assertThat(endpoint.keySet())
                .containsExactlyInAnyOrder("port", "path", "interval", "scrapeTimeout", "relabelings");
        List<Map<String, Object>> relabelings = list(endpoint.get("relabelings"));
        assertThat(relabelings).extracting(r -> r.get("targetLabel")).containsExactly("namespace", "pod");
        assertThat(relabelings)
                .extracting(r -> r.get("sourceLabels"))
                .containsExactly(List.of("__meta_kubernetes_namespace"), List.of("__meta_kubernetes_pod_name"));
        Map<String, Object> selector = monitor.get("spec", "selector", "matchLabels");
        assertThat(selector)
                .isEqualTo(chart.one(Service.class).getMetadata().getLabels().entrySet().stream()
                        .filter(e -> selector.containsKey(e.getKey()))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(selector).containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance");

        NetworkPolicy policy = chart.one(NetworkPolicy.class);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).hasSize(2);
            assertThat(rule.getPorts())
                    .singleElement()
                    .satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http"));
        });
        assertThat(policy.getSpec().getEgress())
                .as("DNS only: allowHttpsEgress is false")
                .singleElement()
                .satisfies(rule -> assertThat(rule.getPorts())
                        .extracting(p -> p.getPort().getIntVal())
                        .containsOnly(53));
    }

    @Test
    void kedaValuesReplaceTheHpaWithAScaledObject() {
        RenderedChart chart = RenderedChart.render(KEDA_VALUES);

        assertThat(chart.all(HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(chart.all(PodDisruptionBudget.class)).isEmpty();
        assertThat(chart.one(Deployment.class).getSpec().getReplicas())
                .as("KEDA owns the replica count")
                .isNull();
        GenericKubernetesResource scaled = chart.custom("ScaledObject");
        Map<String, Object> spec = scaled.get("spec");
        assertThat(spec.keySet())
                .containsExactlyInAnyOrder(
                        "scaleTargetRef",
                        "minReplicaCount",
                        "maxReplicaCount",
                        "pollingInterval",
                        "cooldownPeriod",
                        "triggers");
        assertThat(scaled.<String>get("spec", "scaleTargetRef", "name")).isEqualTo(FULLNAME);
        assertThat(scaled.<Integer>get("spec", "maxReplicaCount")).isEqualTo(6);
        Map<String, Object> trigger = first(spec.get("triggers"));
        assertThat(trigger).containsEntry("type", "prometheus");
        Map<String, Object> metadata = map(trigger.get("metadata"));
        assertThat(metadata.keySet())
                .containsExactlyInAnyOrder("serverAddress", "query", "threshold", "activationThreshold");
        assertThat(metadata)
                .containsEntry("threshold", "8")
                .containsEntry("query", "sum(classifier_queue_depth{namespace=\"ml\", pod=~\"" + FULLNAME + "-.*\"})");
    }

    @Test
    void randomWeightsCannotBeConfigured() {
        assertThatThrownBy(() -> RenderedChart.render(DeployFiles.TEST_RESOURCES.resolve("values-random-source.yaml")))
                .hasMessageContaining("source");
        assertThatThrownBy(() -> RenderedChart.render(DeployFiles.TEST_RESOURCES.resolve("values-fallback-on.yaml")))
                .hasMessageContaining("fallbackToRandom");
        assertThatThrownBy(() -> RenderedChart.render(DeployFiles.TEST_RESOURCES.resolve("values-keda-and-hpa.yaml")))
                .hasMessageContaining("enable only one");
    }

    @Test
    void dashboardConfigMapCarriesTheOneDashboardForTheGrafanaSidecar() throws Exception {
        ConfigMap dashboard = RenderedChart.render().all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(FULLNAME + "-dashboard"))
                .findFirst()
                .orElseThrow();
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(dashboard.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        String json = dashboard.getData().get("inception-classifier.json");
        JsonMapper mapper = JsonMapper.builder().build();
        assertThat(mapper.readTree(json)).isEqualTo(mapper.readTree(DeployFiles.DASHBOARD.toFile()));
        assertThat(json).isEqualTo(DeployFiles.read(DeployFiles.DASHBOARD).strip());
        // compose provisions the same file (a link into the chart), not a copy that could drift
        assertThat(DeployFiles.COMPOSE_DASHBOARD.toRealPath()).isEqualTo(DeployFiles.DASHBOARD.toRealPath());
    }

    @Test
    void unknownFieldsAreReported() {
        String typo = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: x
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i
                          readinessProbe:
                            httpGet: {path: /, port: 8080}
                            periodSecond: 5
                """;
        assertThatThrownBy(() -> RenderedChart.parse(typo))
                .hasMessageContaining("periodSecond")
                .hasMessageContaining("Deployment/x.spec.template.spec.containers[0].readinessProbe");
        assertThatThrownBy(() -> RenderedChart.parse(
                        "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\n"))
                .hasMessageContaining("expected autoscaling/v2");
    }

    private static JsonNode applicationYaml(RenderedChart chart) {
        ConfigMap config = chart.all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(FULLNAME + "-config"))
                .findFirst()
                .orElseThrow();
        return YAMLMapper.builder().build().readTree(config.getData().get("application.yaml"));
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    private static Map<String, Object> first(Object o) {
        List<Map<String, Object>> l = list(o);
        assertThat(l).hasSize(1);
        return l.get(0);
    }
}
