package dev.inceptionclassifier.model.source;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads class labels from a file (one label per line, or {@code index<TAB>synset<TAB>label} lines), an https URL
 * (cached like model files), or the alias {@code imagenet-1k}: timm's {@code imagenet_synsets.txt} and
 * {@code imagenet_synset_to_lemma.txt} from {@code classifier.labels-base-url}, joined so that class {@code i} is the
 * lemma of the {@code i}-th synset. Fetch failures throw {@link ModelUnavailableException}; a malformed file or a
 * label count that does not match the model throws {@link IllegalArgumentException}. Thread-safe.
 */
public final class LabelsResolver {

    /** The alias for timm's ImageNet-1k class descriptions. */
    public static final String IMAGENET_1K = "imagenet-1k";

    static final String SYNSETS = "imagenet_synsets.txt";
    static final String SYNSET_TO_LEMMA = "imagenet_synset_to_lemma.txt";

    /** Label files are small (timm's lemma file is 0.7 MB); anything far larger is not a label file. */
    private static final long MAX_LABEL_BYTES = 64L * 1024 * 1024;

    private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*");

    private final Path cache;
    private final boolean offline;
    private final String labelsBaseUrl;
    private final Downloader downloader;

    public LabelsResolver(SourceSettings settings) {
        this(settings, Downloader.newClient(settings.hub()));
    }

    LabelsResolver(SourceSettings props, HttpClient client) {
        this.cache = props.cache();
        this.offline = props.offline();
        this.labelsBaseUrl = props.labelsBaseUrl();
        this.downloader = new Downloader(client, props.hub());
    }

    /**
     * The labels of a model with {@code numClasses} classes.
     *
     * @param spec a file path or {@code file:} URL, an https URL, or {@value #IMAGENET_1K}
     * @return exactly {@code numClasses} labels, index i for class i
     */
    public List<String> resolve(String spec, int numClasses) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no labels specified");
        }
        String s = spec.trim();
        List<String> labels;
        String what;
        if (s.equalsIgnoreCase(IMAGENET_1K)) {
            labels = imagenet1k();
            what = "labels " + IMAGENET_1K;
        } else if (s.regionMatches(true, 0, "file:", 0, 5)) {
            Path file = ModelSourceResolver.fileUrlPath(s);
            labels = parseLabels(read(file, "labels file " + file), file.toString());
            what = "labels file " + file;
        } else if (URL_SCHEME.matcher(s).matches()) {
            URI uri = Urls.parseFetchable(s);
            what = "labels " + Urls.redact(uri);
            labels = parseLabels(read(fetch(uri), what), Urls.redact(uri));
        } else {
            Path file = ModelSourceResolver.localPath(s).toAbsolutePath();
            what = "labels file " + file;
            labels = parseLabels(read(file, what), file.toString());
        }
        if (labels.size() != numClasses) {
            throw new IllegalArgumentException(
                    what + " has " + labels.size() + " labels but the model has " + numClasses + " classes");
        }
        return List.copyOf(labels);
    }

    private List<String> imagenet1k() {
        String base = labelsBaseUrl.trim().endsWith("/") ? labelsBaseUrl.trim() : labelsBaseUrl.trim() + "/";
        String synsetsText;
        String lemmaText;
        if (base.regionMatches(true, 0, "file:", 0, 5)) {
            Path dir = ModelSourceResolver.fileUrlPath(base);
            synsetsText = read(dir.resolve(SYNSETS), IMAGENET_1K + " synsets");
            lemmaText = read(dir.resolve(SYNSET_TO_LEMMA), IMAGENET_1K + " lemmas");
        } else {
            URI baseUri = Urls.parseFetchable(base);
            synsetsText = read(fetch(baseUri.resolve(SYNSETS)), IMAGENET_1K + " synsets");
            lemmaText = read(fetch(baseUri.resolve(SYNSET_TO_LEMMA)), IMAGENET_1K + " lemmas");
        }
        return joinSynsets(lines(synsetsText), lines(lemmaText));
    }

    /** class i = lemma[synsets[i]], as timm's ImageNetInfo does. */
    static List<String> joinSynsets(List<String> synsets, List<String> lemmaLines) {
        Map<String, String> lemmas = new HashMap<>(lemmaLines.size() * 2);
        for (int i = 0; i < lemmaLines.size(); i++) {
            String line = lemmaLines.get(i);
            int tab = line.indexOf('\t');
            if (tab <= 0) {
                throw new IllegalArgumentException(SYNSET_TO_LEMMA + " line " + (i + 1) + " is not synset<TAB>lemma");
            }
            lemmas.put(line.substring(0, tab).trim(), line.substring(tab + 1).trim());
        }
        List<String> labels = new ArrayList<>(synsets.size());
        for (int i = 0; i < synsets.size(); i++) {
            String synset = synsets.get(i).trim();
            String lemma = lemmas.get(synset);
            if (lemma == null) {
                throw new IllegalArgumentException(
                        "synset " + synset + " (class " + i + ") has no lemma in " + SYNSET_TO_LEMMA);
            }
            labels.add(lemma);
        }
        return labels;
    }

    /**
     * One label per line, or {@code index<TAB>synset<TAB>label} where the indices must run 0, 1, 2, ... A trailing
     * newline does not add a label.
     */
    static List<String> parseLabels(String text, String source) {
        List<String> lines = lines(text);
        List<String> labels = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.indexOf('\t') < 0) {
                labels.add(line.strip());
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length != 3) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + " has " + cols.length
                        + " tab-separated columns; expected a label or index<TAB>synset<TAB>label");
            }
            if (!cols[0].strip().equals(Integer.toString(i))) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + " has index '" + cols[0].strip()
                        + "'; expected " + i + " (indices must run 0, 1, 2, ...)");
            }
            labels.add(cols[2].strip());
        }
        return labels;
    }

    /** Lines without their terminators (\n or \r\n), a leading BOM, or trailing empty lines. */
    static List<String> lines(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<String> lines = new ArrayList<>(List.of(t.split("\r?\n", -1)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private Path fetch(URI uri) {
        Path file = cache.resolve("url").resolve(Urls.sha256Hex(uri.toString())).resolve(Urls.fileName(uri));
        return downloader.cached(uri, file, MAX_LABEL_BYTES, null, offline, "labels " + Urls.redact(uri));
    }

    private static String read(Path file, String what) {
        try {
            if (Files.size(file) > MAX_LABEL_BYTES) {
                throw new IllegalArgumentException(what + " is larger than " + MAX_LABEL_BYTES + " bytes");
            }
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " (" + file + ") is not UTF-8 text");
        } catch (NoSuchFileException e) {
            throw new ModelUnavailableException(what + ": " + file + " does not exist");
        } catch (IOException e) {
            throw new ModelUnavailableException(what + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LabelsResolver[cache=" + cache + ", offline=" + offline + "]";
    }
}
