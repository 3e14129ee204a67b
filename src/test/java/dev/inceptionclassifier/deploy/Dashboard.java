package dev.inceptionclassifier.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Grafana dashboard JSON, read for its panels, queries and template variables. */
final class Dashboard {

    /** One PromQL query of a panel. */
    record Query(String panel, String refId, String expr) {}

    final JsonNode root;

    private Dashboard(JsonNode root) {
        this.root = root;
    }

    static Dashboard read(Path file) {
        return new Dashboard(JsonMapper.builder().build().readTree(file.toFile()));
    }

    /** All panels, those nested in collapsed rows included, rows themselves excluded. */
    List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            if (panel.path("type").asString().equals("row")) {
                panel.path("panels").forEach(out::add);
            } else {
                out.add(panel);
            }
        }
        return out;
    }

    /** Rows and panels: everything that carries an id. */
    List<JsonNode> allPanelsAndRows() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            out.add(panel);
            panel.path("panels").forEach(out::add);
        }
        return out;
    }

    List<Query> queries() {
        List<Query> out = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new Query(
                        panel.path("title").asString(),
                        target.path("refId").asString(),
                        target.path("expr").asString()));
            }
        }
        return out;
    }

    List<JsonNode> variables() {
        List<JsonNode> out = new ArrayList<>();
        root.path("templating").path("list").forEach(out::add);
        return out;
    }

    JsonNode variable(String name) {
        return variables().stream()
                .filter(v -> v.path("name").asString().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no template variable " + name));
    }

    /**
     * Replaces Grafana's variables as Grafana would for one selected value each: {@code $name}, {@code ${name}}
     * and the built-in interval variables.
     */
    static String substitute(String expr, Map<String, String> values, String rateInterval) {
        String out = expr.replace("$__rate_interval", rateInterval)
                .replace("${__rate_interval}", rateInterval)
                .replace("$__interval", rateInterval)
                .replace("${__interval}", rateInterval)
                .replace("$__range", rateInterval)
                .replace("${__range}", rateInterval);
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("${" + e.getKey() + "}", e.getValue()).replace("$" + e.getKey(), e.getValue());
        }
        if (out.contains("$")) {
            throw new AssertionError("unsubstituted variable left in " + out);
        }
        return out;
    }
}
