package dev.inceptionclassifier.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The samples of one scrape in the Prometheus text exposition format (version 0.0.4 / OpenMetrics lines). */
final class PrometheusText {

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Sample s = parseLine(line);
            if (s != null) {
                samples.add(s);
            }
        }
        return new PrometheusText(samples);
    }

    List<Sample> samples() {
        return samples;
    }

    /** Whether any sample has this name. */
    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** Sum of every sample named {@code name}; NaN when there is none. */
    double sum(String name) {
        return sum(name, labels -> true);
    }

    /** Sum of the samples named {@code name} whose labels match; NaN when none matches. */
    double sum(String name, Predicate<Map<String, String>> labels) {
        double total = 0;
        boolean any = false;
        for (Sample s : samples) {
            if (s.name().equals(name) && labels.test(s.labels())) {
                total += s.value();
                any = true;
            }
        }
        return any ? total : Double.NaN;
    }

    /** Sum per value of {@code label} over the samples named {@code name}. */
    Map<String, Double> sumBy(String name, String label) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                out.merge(s.labels().getOrDefault(label, ""), s.value(), Double::sum);
            }
        }
        return out;
    }

    private static Sample parseLine(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (i < n && line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0 || eq + 1 >= n || line.charAt(eq + 1) != '"') {
                    return null;
                }
                String key = line.substring(i, eq).strip();
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (j < n && line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\' && j + 1 < n) {
                        char e = line.charAt(++j);
                        value.append(e == 'n' ? '\n' : e);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(key, value.toString());
                i = j + 1;
                while (i < n && (line.charAt(i) == ',' || Character.isWhitespace(line.charAt(i)))) {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(Math.min(i, n)).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            return null;
        }
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(rest[0]);
                } catch (NumberFormatException e) {
                    yield Double.NaN;
                }
            }
        };
        return new Sample(name, Map.copyOf(labels), value);
    }
}
