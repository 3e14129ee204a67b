package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The served OpenAPI document, and checks against it: the official OAS 3.1 schema, the JSON Schema 2020-12
 * meta-schema for every Schema Object, and real response bodies against the schema the document gives them.
 */
final class OpenApiDocument {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    final JsonNode root;

    OpenApiDocument(String json) {
        this.root = JSON.readTree(json);
    }

    /** Violations of the official OpenAPI 3.1 JSON Schema (test resource, see openapi/README.md). */
    List<String> oasViolations() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/openapi/oas-3.1-schema-2025-11-23.json")) {
            Schema oas = REGISTRY.getSchema(in, InputFormat.JSON);
            return messages(oas.validate(root));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Violations of the JSON Schema 2020-12 meta-schema, for every Schema Object in the document. */
    List<String> schemaObjectViolations() {
        Schema meta = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        List<String> out = new ArrayList<>();
        walk(root, "", (path, node) -> {
            if (path.endsWith("/schema") || path.matches(".*/components/schemas/[^/]+")) {
                meta.validate(node).forEach(e -> out.add(path + ": " + e.getMessage()));
            }
        });
        return out;
    }

    /** Violations of {@code body} against {@code #/components/schemas/<name>}. */
    List<String> violations(JsonNode body, String schemaName) {
        return violationsOf(body, JSON.createObjectNode().put("$ref", "#/components/schemas/" + schemaName));
    }

    /** Violations of {@code body} against the schema of a documented response, e.g. ("/classify", "post", "400"). */
    List<String> responseViolations(JsonNode body, String path, String method, String status, String mediaType) {
        JsonNode schema = root.path("paths")
                .path(path)
                .path(method)
                .path("responses")
                .path(status)
                .path("content")
                .path(mediaType)
                .path("schema");
        assertThat(schema.isMissingNode())
                .as("documented: %s %s %s %s", method, path, status, mediaType)
                .isFalse();
        return violationsOf(body, schema.deepCopy());
    }

    /** Runs a schema that lives in this document, with its {@code #/components/...} references resolvable. */
    private List<String> violationsOf(JsonNode body, JsonNode schema) {
        ObjectNode wrapper = JSON.createObjectNode();
        wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        wrapper.set("allOf", JSON.createArrayNode().add(schema));
        wrapper.set("components", root.get("components"));
        return messages(REGISTRY.getSchema(SchemaLocation.of("https://example.invalid/openapi.json"), wrapper)
                .validate(body));
    }

    JsonNode operation(String path, String method) {
        return root.path("paths").path(path).path(method);
    }

    private static List<String> messages(List<Error> errors) {
        return errors.stream().map(Error::toString).toList();
    }

    private interface Visitor {
        void visit(String path, JsonNode node);
    }

    private static void walk(JsonNode node, String path, Visitor v) {
        v.visit(path, node);
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                walk(e.getValue(), path + "/" + e.getKey(), v);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "/" + i, v);
            }
        }
    }
}
