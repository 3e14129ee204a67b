package dev.inceptionclassifier.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The chart rendered by {@code helm template} and read into typed fabric8 models. Reading fails on any kind the
 * chart is not expected to produce, on a wrong apiVersion, and on any field the Kubernetes schema does not know
 * (fabric8 keeps such fields in {@code additionalProperties}; they are walked recursively and must be empty).
 */
final class RenderedChart {

    static final String RELEASE = "ic";
    static final String NAMESPACE = "ml";

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    /** Typed model and apiVersion per kind; the CRDs (Prometheus Operator, KEDA) stay generic. */
    private static final Map<String, Kind> KINDS = Map.of(
            "ServiceAccount", new Kind("v1", ServiceAccount.class),
            "Service", new Kind("v1", Service.class),
            "ConfigMap", new Kind("v1", ConfigMap.class),
            "PersistentVolumeClaim", new Kind("v1", PersistentVolumeClaim.class),
            "Pod", new Kind("v1", Pod.class),
            "Deployment", new Kind("apps/v1", Deployment.class),
            "HorizontalPodAutoscaler", new Kind("autoscaling/v2", HorizontalPodAutoscaler.class),
            "PodDisruptionBudget", new Kind("policy/v1", PodDisruptionBudget.class),
            "NetworkPolicy", new Kind("networking.k8s.io/v1", NetworkPolicy.class),
            "ServiceMonitor", new Kind("monitoring.coreos.com/v1", GenericKubernetesResource.class));

    private static final Map<String, Kind> MORE_KINDS =
            Map.of("ScaledObject", new Kind("keda.sh/v1alpha1", GenericKubernetesResource.class));

    private record Kind(String apiVersion, Class<? extends HasMetadata> type) {}

    final String yaml;
    final List<HasMetadata> resources;

    private RenderedChart(String yaml, List<HasMetadata> resources) {
        this.yaml = yaml;
        this.resources = resources;
    }

    /**
     * Annotation that replaces {@code helm.sh/hook} in the rendered copy: helm-java's template leaves hooks out, so
     * they are rendered as plain manifests under this name.
     */
    static final String HOOK_ANNOTATION = "rendered-hook.inception-classifier.dev/hook";

    /** Renders the chart with its default values plus the given values files, hooks included. */
    static RenderedChart render(Path... valuesFiles) {
        Path copy = copyWithVisibleHooks();
        try {
            TemplateCommand template =
                    new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE);
            for (Path values : valuesFiles) {
                template = template.withValuesFile(values);
            }
            return parse(template.call());
        } finally {
            FileSystemUtils.deleteRecursively(copy.toFile());
        }
    }

    private static Path copyWithVisibleHooks() {
        try {
            Path copy = Files.createTempDirectory("chart");
            FileSystemUtils.copyRecursively(DeployFiles.CHART, copy);
            try (Stream<Path> files = Files.walk(copy.resolve("templates"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(file);
                    Files.writeString(file, text.replace("helm.sh/hook:", HOOK_ANNOTATION + ":"));
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RenderedChart parse(String yaml) {
        List<HasMetadata> resources = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
                    continue;
                }
                String kindName = doc.path("kind").asString();
                Kind kind = KINDS.containsKey(kindName) ? KINDS.get(kindName) : MORE_KINDS.get(kindName);
                if (kind == null) {
                    throw new AssertionError("unexpected kind in the rendered chart: " + kindName);
                }
                if (!kind.apiVersion().equals(doc.path("apiVersion").asString())) {
                    throw new AssertionError(kindName + " has apiVersion "
                            + doc.path("apiVersion").asString() + ", expected " + kind.apiVersion());
                }
                HasMetadata resource = YAML.treeToValue(doc, kind.type());
                String where = kindName + "/" + resource.getMetadata().getName();
                if (resource instanceof GenericKubernetesResource) {
                    assertNoUnknownFields(resource.getMetadata(), where + ".metadata");
                } else {
                    assertNoUnknownFields(resource, where);
                }
                resources.add(resource);
            }
        }
        return new RenderedChart(yaml, resources);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    GenericKubernetesResource custom(String kind) {
        List<GenericKubernetesResource> found = all(GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals(kind))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    List<String> kinds() {
        return resources.stream().map(HasMetadata::getKind).sorted().toList();
    }

    /**
     * Walks a fabric8 model graph and fails on the first non-empty {@code additionalProperties}: a field the typed
     * Kubernetes model does not know, such as a misspelt or misplaced key.
     */
    static void assertNoUnknownFields(Object node, String path) {
        if (node == null
                || node instanceof String
                || node instanceof Number
                || node instanceof Boolean
                || node instanceof Enum<?>) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                assertNoUnknownFields(item, path + "[" + i++ + "]");
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                assertNoUnknownFields(e.getValue(), path + "." + e.getKey());
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = getter.getName();
            if (!(name.startsWith("get") || name.startsWith("is")) || name.equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("cannot read " + path + "." + name, e);
            }
            if (name.equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    throw new AssertionError("unknown field(s) " + extra.keySet() + " at " + path + " ("
                            + node.getClass().getSimpleName() + ")");
                }
                continue;
            }
            assertNoUnknownFields(
                    value, path + "." + decapitalize(name.startsWith("is") ? name.substring(2) : name.substring(3)));
        }
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
