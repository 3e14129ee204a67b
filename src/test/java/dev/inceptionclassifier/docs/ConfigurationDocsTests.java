package dev.inceptionclassifier.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} documents exactly the {@code classifier.*} properties that exist: one table row per
 * property (first cell the property's name in backticks), whose "default" cell contains the default from Spring's
 * configuration metadata in backticks and whose "bounds" cell contains the numeric bounds of its validation
 * constraints ({@code 1..64}, {@code >= 1}, {@code > 0}).
 */
class ConfigurationDocsTests {

    private static final Path DOC = MarkdownLinksTests.ROOT.resolve("docs/configuration.md");
    private static final Pattern PROPERTY_CELL =
            Pattern.compile("`(" + Pattern.quote(ConfigurationMetadata.PREFIX) + "[^`]+)`");

    /** A documented property: its row's default and bounds cells and the line of the row. */
    private record Documented(String defaultCell, String boundsCell, int line) {}

    @Test
    void everyPropertyIsDocumentedWithItsDefaultAndBoundsAndNothingElseIs() throws IOException {
        Map<String, ConfigurationMetadata.Property> properties = ConfigurationMetadata.classifierProperties();
        assertThat(properties)
                .as("classifier.* properties in META-INF/spring-configuration-metadata.json"
                        + " (written by spring-boot-configuration-processor at compile time)")
                .isNotEmpty();

        assertThat(problems(properties, Files.readString(DOC)))
                .as("docs/configuration.md against the configuration metadata")
                .isEmpty();
    }

    @Test
    void listElementsAreExpandedFromTheRecordTheyHold() {
        Map<String, ConfigurationMetadata.Property> properties = ConfigurationMetadata.classifierProperties();

        // The processor describes classifier.models as one List property; its elements' fields come from the record.
        assertThat(properties)
                .containsKeys(
                        "classifier.models",
                        "classifier.models[i].name",
                        "classifier.models[i].preprocess.crop-pct",
                        "classifier.inference.workers");
        assertThat(properties.get("classifier.models[i].seed").defaultValue()).isEqualTo("42");
        assertThat(properties.get("classifier.models[i].preprocess.crop-pct").bounds())
                .isEqualTo("0.1..1.0");
        assertThat(properties.get("classifier.models[i].num-classes").bounds()).isEqualTo("1..100000");
        assertThat(properties.get("classifier.inference.workers").defaultValue())
                .isEqualTo("1");
        assertThat(properties.get("classifier.inference.queue-capacity").bounds())
                .isEqualTo(">= 1");
        assertThat(properties.get("classifier.image.max-bytes").bounds()).isEqualTo("> 0");
        assertThat(properties.get("classifier.hub.read-timeout").defaultValue()).isEqualTo("60s");
        // A list of plain values stays one property.
        assertThat(properties)
                .containsKey("classifier.security.api-keys")
                .doesNotContainKey("classifier.security.api-keys[i].");
    }

    @Test
    void aMissingStaleDuplicateOrWrongRowIsReported() {
        Map<String, ConfigurationMetadata.Property> properties = Map.of(
                "classifier.inference.workers",
                        new ConfigurationMetadata.Property("classifier.inference.workers", "1", "1..64"),
                "classifier.image.max-bytes",
                        new ConfigurationMetadata.Property("classifier.image.max-bytes", "20971520", "> 0"),
                "classifier.image.max-side",
                        new ConfigurationMetadata.Property("classifier.image.max-side", "20000", "> 0"));
        String markdown = """
                | property | default | bounds | meaning |
                | --- | --- | --- | --- |
                | `classifier.inference.workers` | `10` | `1..640` | default and bounds only look alike |
                | `classifier.inference.workers` | `1` | `1..64` | twice |
                | `classifier.image.max-bytes`, `classifier.image.max-side` | | | two in one row |
                | `classifier.image.max-pixels` | `40000000` | `> 0` | not a property |

                | setting | value |
                | --- | --- |
                | `classifier.not-in-a-property-table` | `8080` |
                """;

        assertThat(problems(properties, markdown))
                .containsExactlyInAnyOrder(
                        "line 4: documented twice: classifier.inference.workers",
                        "line 5: one property per row: `classifier.image.max-bytes`, `classifier.image.max-side`",
                        "line 3: the default of classifier.inference.workers is 1, the row says: `10`",
                        "line 3: the bounds of classifier.inference.workers are 1..64, the row says: `1..640`",
                        "undocumented: classifier.image.max-bytes",
                        "undocumented: classifier.image.max-side",
                        "line 6: documented but not a property: classifier.image.max-pixels");
    }

    /** What is wrong with the property tables of {@code markdown}, measured against {@code properties}. */
    private static List<String> problems(Map<String, ConfigurationMetadata.Property> properties, String markdown) {
        List<String> problems = new ArrayList<>();
        Map<String, Documented> documented = documented(markdown, problems);
        for (ConfigurationMetadata.Property p : new TreeMap<>(properties).values()) {
            Documented d = documented.get(p.name());
            if (d == null) {
                problems.add("undocumented: " + p.name());
                continue;
            }
            if (p.defaultValue() != null && !d.defaultCell().contains("`" + p.defaultValue() + "`")) {
                problems.add("line " + d.line() + ": the default of " + p.name() + " is " + p.defaultValue()
                        + ", the row says: " + d.defaultCell());
            }
            if (p.bounds() != null
                    && !Pattern.compile("(?<![\\w.])" + Pattern.quote(p.bounds()) + "(?![\\w.])")
                            .matcher(d.boundsCell())
                            .find()) {
                problems.add("line " + d.line() + ": the bounds of " + p.name() + " are " + p.bounds()
                        + ", the row says: " + d.boundsCell());
            }
        }
        documented.forEach((name, d) -> {
            if (!properties.containsKey(name)) {
                problems.add("line " + d.line() + ": documented but not a property: " + name);
            }
        });
        return problems;
    }

    /** The rows of the property tables (header's first cell "property"), by property name. */
    private static Map<String, Documented> documented(String markdown, List<String> problems) {
        Map<String, Documented> documented = new LinkedHashMap<>();
        int defaultColumn = -1;
        int boundsColumn = -1;
        boolean propertyTable = false;
        for (Markdown.Row row : Markdown.parse(markdown).tableRows()) {
            List<String> cells = row.cells();
            if (row.header()) {
                List<String> header =
                        cells.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
                propertyTable = !header.isEmpty() && header.get(0).equals("property");
                defaultColumn = header.indexOf("default");
                boundsColumn = header.indexOf("bounds");
                continue;
            }
            if (!propertyTable) {
                continue;
            }
            Matcher names = PROPERTY_CELL.matcher(cells.get(0));
            List<String> found = new ArrayList<>();
            while (names.find()) {
                found.add(names.group(1));
            }
            if (found.size() != 1 || !cells.get(0).equals("`" + found.get(0) + "`")) {
                problems.add("line " + row.line() + ": one property per row: " + cells.get(0));
                continue;
            }
            Documented d = new Documented(cell(cells, defaultColumn), cell(cells, boundsColumn), row.line());
            if (documented.putIfAbsent(found.get(0), d) != null) {
                problems.add("line " + row.line() + ": documented twice: " + found.get(0));
            }
        }
        return documented;
    }

    private static String cell(List<String> cells, int column) {
        return column >= 0 && column < cells.size() ? cells.get(column) : "";
    }
}
