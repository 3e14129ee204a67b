package dev.inceptionclassifier.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The query string's parameters, decoded here rather than by {@code getParameter}: for a form-encoded POST the
 * container would read and parse the body (the image) as parameters, and it throws on a bad percent-encoding.
 */
final class QueryParameters {

    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = values;
    }

    /** Parses {@code a=1&b=2}; the first value of a name wins. A bad percent-encoding is a 400. */
    static QueryParameters parse(String query) {
        Map<String, String> values = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                values.putIfAbsent(name, value);
            }
        }
        return new QueryParameters(values);
    }

    /** The value of {@code name}, or null. */
    String get(String name) {
        return values.get(name);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw BadRequestException.invalid("The query string is not valid percent-encoding.");
        }
    }
}
