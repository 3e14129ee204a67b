package dev.inceptionclassifier.model.source;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** URL checks shared by the model and label sources: what may be fetched, and how a URL may be shown. */
final class Urls {

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    private Urls() {}

    /**
     * Parses a configured URL and refuses what must never be fetched: schemes other than https, plain http to a host
     * that is not loopback (tests), and credentials in the URL. A configuration error, so not a
     * {@link ModelUnavailableException}: falling back to random weights would hide it.
     */
    static URI parseFetchable(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + redact(url));
        }
        String problem = fetchProblem(uri);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return uri;
    }

    /** Why {@code uri} may not be fetched, or null when it may. */
    static String fetchProblem(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "URL has no host: " + redact(uri);
        }
        if (uri.getRawUserInfo() != null) {
            return "credentials in URLs are not supported (use classifier.hub.token for the hub): " + redact(uri);
        }
        if (scheme.equals("https")) {
            return null;
        }
        if (scheme.equals("http")) {
            return isLoopback(uri.getHost())
                    ? null
                    : "plain http is refused for " + redact(uri) + " (use https; http is allowed for loopback only)";
        }
        return "unsupported URL scheme '" + scheme + "' in " + redact(uri) + " (use https)";
    }

    /** 127.0.0.0/8, localhost and [::1]: literal checks only, so no DNS lookup happens here. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches()) {
            return true;
        }
        if (h.indexOf(':') >= 0) {
            try {
                // an IPv6 literal never triggers a lookup
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** scheme://host[:port]/path: without credentials, query (presigned URLs carry secrets there) or fragment. */
    static String redact(URI uri) {
        StringBuilder sb = new StringBuilder();
        if (uri.getScheme() != null) {
            sb.append(uri.getScheme()).append("://");
        }
        if (uri.getHost() != null) {
            sb.append(uri.getHost());
        }
        if (uri.getPort() != -1) {
            sb.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            sb.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            sb.append("?...");
        }
        return sb.toString();
    }

    /** Best-effort redaction of a string that did not even parse as a URI. */
    static String redact(String url) {
        String s = url.trim();
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q) + "?...";
        }
        int scheme = s.indexOf("://");
        int at = s.indexOf('@', Math.max(scheme, 0));
        int slash = s.indexOf('/', scheme < 0 ? 0 : scheme + 3);
        if (at >= 0 && (slash < 0 || at < slash)) {
            s = s.substring(0, scheme < 0 ? 0 : scheme + 3) + "***@" + s.substring(at + 1);
        }
        return s;
    }

    /** scheme://host:port with the default port filled in; the unit the hub token is bound to. */
    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }

    static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The last path segment of {@code uri}, reduced to characters that are safe as a file name. */
    static String fileName(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.startsWith(".") ? "file" + name : name;
    }
}
