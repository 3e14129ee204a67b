package dev.inceptionclassifier.docs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of GitHub-flavoured Markdown for the documentation checks: headings and the anchors GitHub gives them,
 * link destinations, and pipe tables. Fenced code blocks are skipped, so examples inside them are neither links nor
 * headings.
 */
final class Markdown {

    /** A heading: its level (1-6), its rendered text, its GitHub anchor and its 1-based line. */
    record Heading(int level, String text, String anchor, int line) {}

    /** A link destination as written ({@code path#anchor}, URL, ...) and its 1-based line. */
    record Link(String destination, int line) {}

    /**
     * A row of a pipe table: its cells, trimmed, its 1-based line, and whether it is a header (the row above the
     * delimiter row, which is not a row itself). A header row starts a new table.
     */
    record Row(List<String> cells, int line, boolean header) {}

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,}).*$");
    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)[ \\t]*$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern INLINE_LINK =
            Pattern.compile("!?\\[([^\\]]*)\\]\\(\\s*(<[^>]*>|[^)\\s]+)(?:\\s+(?:\"[^\"]*\"|'[^']*'))?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*(<[^>]*>|\\S+)");
    private static final Pattern HTML_LINK = Pattern.compile("<(?:a|img)\\s[^>]*?(?:href|src)=\"([^\"]+)\"");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s[^>]*?(?:id|name)=\"([^\"]+)\"");
    private static final Pattern HTML_TAG = Pattern.compile("<[^>]+>");
    private static final Pattern TABLE_DELIMITER = Pattern.compile("^\\|?\\s*:?-+:?\\s*(\\|\\s*:?-+:?\\s*)*\\|?\\s*$");

    private final List<String> lines;
    /** Lines inside fenced code blocks, fences included. */
    private final boolean[] code;

    private Markdown(String text) {
        this.lines = text.lines().toList();
        this.code = new boolean[lines.size()];
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = FENCE.matcher(lines.get(i));
            if (fence == null && m.matches()) {
                fence = m.group(1);
                code[i] = true;
            } else if (fence != null) {
                code[i] = true;
                String t = lines.get(i).strip();
                char mark = fence.charAt(0);
                if (t.length() >= fence.length() && t.chars().allMatch(c -> c == mark)) {
                    fence = null;
                }
            }
        }
    }

    static Markdown parse(String text) {
        return new Markdown(text);
    }

    /** ATX ({@code ## Title}) and setext (underlined) headings, with GitHub's anchors, duplicates numbered. */
    List<Heading> headings() {
        List<Heading> headings = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (code[i]) {
                continue;
            }
            String line = lines.get(i);
            int level = 0;
            String raw = null;
            Matcher atx = ATX.matcher(line);
            if (atx.matches()) {
                level = atx.group(1).length();
                raw = atx.group(2) == null ? "" : atx.group(2);
            } else if (i + 1 < lines.size() && !code[i + 1] && isParagraphText(line)) {
                Matcher setext = SETEXT.matcher(lines.get(i + 1));
                if (setext.matches()) {
                    level = setext.group(1).charAt(0) == '=' ? 1 : 2;
                    raw = line.strip();
                }
            }
            if (raw == null) {
                continue;
            }
            String text = renderInline(raw);
            String base = slug(text);
            int n = seen.merge(base, 1, Integer::sum) - 1;
            headings.add(new Heading(level, text, n == 0 ? base : base + "-" + n, i + 1));
        }
        return headings;
    }

    /** Every anchor a link can target: the headings' and explicit {@code <a id>} / {@code <a name>} ones. */
    Set<String> anchors() {
        Set<String> anchors = new LinkedHashSet<>();
        headings().forEach(h -> anchors.add(h.anchor()));
        for (int i = 0; i < lines.size(); i++) {
            if (!code[i]) {
                Matcher m = HTML_ANCHOR.matcher(lines.get(i));
                while (m.find()) {
                    anchors.add(m.group(1));
                }
            }
        }
        return anchors;
    }

    /** Inline links and images, reference definitions and HTML {@code href}/{@code src}, outside code. */
    List<Link> links() {
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (code[i]) {
                continue;
            }
            String line = CODE_SPAN.matcher(lines.get(i)).replaceAll("code");
            Matcher inline = INLINE_LINK.matcher(line);
            while (inline.find()) {
                links.add(new Link(unbracket(inline.group(2)), i + 1));
            }
            Matcher def = REFERENCE_DEFINITION.matcher(line);
            if (def.find()) {
                links.add(new Link(unbracket(def.group(1)), i + 1));
            }
            Matcher html = HTML_LINK.matcher(line);
            while (html.find()) {
                links.add(new Link(html.group(1), i + 1));
            }
        }
        return links;
    }

    /** The rows of every pipe table, header rows included, delimiter rows left out. */
    List<Row> tableRows() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!code[i]
                    && line.startsWith("|")
                    && !TABLE_DELIMITER.matcher(line).matches()) {
                boolean header = i + 1 < lines.size()
                        && TABLE_DELIMITER.matcher(lines.get(i + 1).strip()).matches();
                rows.add(new Row(cells(line), i + 1, header));
            }
        }
        return rows;
    }

    /**
     * GitHub's anchor for a heading's rendered text (github-slugger): lower case, every character that is not a
     * letter, digit, mark, connector ({@code _}), space or hyphen dropped, each space turned into a hyphen.
     */
    static String slug(String text) {
        StringBuilder b = new StringBuilder();
        text.strip().toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (c == ' ') {
                b.append('-');
            } else if (c == '-' || Character.isLetterOrDigit(c) || isKeptPunctuationOrMark(Character.getType(c))) {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    private static boolean isKeptPunctuationOrMark(int type) {
        return type == Character.CONNECTOR_PUNCTUATION
                || type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    /** The text GitHub renders for inline Markdown: code spans' content, links' text, no emphasis or HTML tags. */
    static String renderInline(String raw) {
        StringBuilder out = new StringBuilder();
        Matcher code = CODE_SPAN.matcher(raw);
        int last = 0;
        while (code.find()) {
            out.append(renderText(raw.substring(last, code.start())));
            out.append(code.group(2).strip());
            last = code.end();
        }
        out.append(renderText(raw.substring(last)));
        return out.toString().strip();
    }

    private static String renderText(String s) {
        String t = INLINE_LINK.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        t = HTML_TAG.matcher(t).replaceAll("");
        t = t.replace("*", "");
        // '_' is emphasis only at a word boundary; inside words (snake_case) it is text.
        return t.replaceAll("(?<![\\p{L}\\p{N}])_+|_+(?![\\p{L}\\p{N}])", "");
    }

    private static boolean isParagraphText(String line) {
        String t = line.strip();
        return !t.isEmpty()
                && !t.startsWith("|")
                && !t.startsWith(">")
                && !t.startsWith("#")
                && !t.startsWith("- ")
                && !t.startsWith("* ")
                && !t.startsWith("<")
                && !t.matches("\\d+[.)] .*")
                && !line.startsWith("    ");
    }

    private static String unbracket(String destination) {
        return destination.startsWith("<") && destination.endsWith(">")
                ? destination.substring(1, destination.length() - 1)
                : destination;
    }

    /** Splits a table line on the pipes that are neither escaped nor inside a code span. */
    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int ticks = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '`') {
                int run = 1;
                while (i + run < line.length() && line.charAt(i + run) == '`') {
                    run++;
                }
                ticks = ticks == 0 ? run : ticks == run ? 0 : ticks;
                cell.append(line, i, i + run);
                i += run - 1;
            } else if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '|' && ticks == 0) {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().strip());
        // The leading and trailing pipes open and close the row; they delimit no cell.
        if (line.startsWith("|")) {
            cells.remove(0);
        }
        if (line.endsWith("|") && !cells.isEmpty()) {
            cells.remove(cells.size() - 1);
        }
        return cells;
    }
}
