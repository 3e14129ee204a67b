package dev.inceptionclassifier.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every problem type URI ({@code https://inception-classifier.dev/problems/<slug>}) maps to the anchor {@code #<slug>}
 * of {@code docs/api.md}, and every heading of its "Problem types" section is a type the service sends.
 */
class ProblemTypesDocsTests {

    private static final Path DOC = MarkdownLinksTests.ROOT.resolve("docs/api.md");
    private static final String BASE = "https://inception-classifier.dev/problems/";

    @Test
    void everyProblemTypeHasItsAnchorInTheApiDocs() throws Exception {
        List<String> slugs = problemTypeSlugs();
        assertThat(slugs).as("problem types declared in ProblemTypes").isNotEmpty();

        Set<String> anchors = Markdown.parse(Files.readString(DOC)).anchors();

        assertThat(anchors).as("anchors of docs/api.md").containsAll(slugs);
    }

    @Test
    void theProblemTypesSectionDocumentsOnlyRealTypes() throws Exception {
        List<String> slugs = problemTypeSlugs();
        List<String> documented = problemTypeSection(Files.readString(DOC));

        assertThat(documented)
                .as("level-3 headings under '## Problem types' in docs/api.md")
                .containsExactlyInAnyOrderElementsOf(slugs);
    }

    @Test
    void aHeadingAnswersToItsSlugOnlyWhenItsAnchorIsExactlyTheSlug() {
        String doc = """
                ## Problem types
                ### `overloaded`
                ### deadline_exceeded
                ### image-too-large (413)
                ## Elsewhere
                ### unrelated
                """;

        assertThat(Markdown.parse(doc).anchors())
                .contains("overloaded")
                .doesNotContain("deadline-exceeded", "image-too-large");
        assertThat(problemTypeSection(doc)).containsExactly("overloaded", "deadline_exceeded", "image-too-large-413");
    }

    /** The slugs of the {@link URI} constants of {@code api.ProblemTypes}, read reflectively: it is package-private. */
    private static List<String> problemTypeSlugs() throws ReflectiveOperationException {
        Class<?> types = Class.forName("dev.inceptionclassifier.api.ProblemTypes");
        List<String> slugs = new ArrayList<>();
        for (Field f : types.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == URI.class) {
                f.setAccessible(true);
                String uri = f.get(null).toString();
                assertThat(uri).as(f.getName()).startsWith(BASE);
                slugs.add(uri.substring(BASE.length()));
            }
        }
        return slugs;
    }

    /** Anchors of the level-3 headings between {@code ## Problem types} and the next level-1 or level-2 heading. */
    private static List<String> problemTypeSection(String markdown) {
        List<String> anchors = new ArrayList<>();
        boolean inside = false;
        for (Markdown.Heading h : Markdown.parse(markdown).headings()) {
            if (h.level() <= 2) {
                inside = h.anchor().equals("problem-types");
            } else if (inside && h.level() == 3) {
                anchors.add(h.anchor());
            }
        }
        return anchors;
    }
}
