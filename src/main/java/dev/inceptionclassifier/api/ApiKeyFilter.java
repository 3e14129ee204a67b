package dev.inceptionclassifier.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Optional {@code X-API-Key} check ({@code classifier.security.api-keys}). Everything needs a key except an explicit
 * allow-list: {@code GET}/{@code HEAD} of the health probes, the upload page and the API documentation
 * ({@link #OPEN_PATHS}), and of {@code /actuator/prometheus} when
 * {@code classifier.security.open-metrics} is set. An endpoint added later is therefore protected by default.
 *
 * <p>The allow-list is matched on the path Spring MVC routes on, with Spring's own tools: the request URI parsed as a
 * {@link RequestPath} (context path removed), matched by {@link PathPattern}s from the default parser, which decode
 * each segment and ignore {@code ;params} exactly as the handler mappings do. So no encoding, parameter, slash or
 * case trick makes a protected endpoint look open; at worst an odd spelling of a probe path needs a key.
 *
 * <p>Keys are compared in constant time (digests of equal length) so response timing does not leak a key's prefix.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";
    /**
     * Open without a key (GET and HEAD only): the health endpoint and its probe groups, the v2 protocol's health
     * probes, the upload page and its assets (the page asks for the key itself), and the API documentation (it holds
     * no secret). Everything else, including {@code GET /models} and the v2 metadata, needs a key.
     */
    static final List<String> HEALTH_PATHS =
            List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness");

    static final List<String> PUBLIC_PATHS = List.of(
            "/v2/health/live",
            "/v2/health/ready",
            "/",
            "/index.html",
            "/assets/**",
            "/v3/api-docs",
            "/v3/api-docs/**",
            "/swagger-ui.html",
            "/swagger-ui/**");
    static final List<String> OPEN_PATHS = java.util.stream.Stream.concat(HEALTH_PATHS.stream(), PUBLIC_PATHS.stream())
            .toList();
    static final String METRICS_PATH = "/actuator/prometheus";

    private final List<byte[]> keyDigests;
    private final List<PathPattern> open;

    ApiKeyFilter(List<String> keys, boolean openMetrics) {
        this.keyDigests = keys.stream()
                .filter(k -> k != null && !k.isEmpty())
                .map(ApiKeyFilter::digest)
                .toList();
        List<PathPattern> patterns = new ArrayList<>();
        OPEN_PATHS.forEach(p -> patterns.add(PathPatternParser.defaultInstance.parse(p)));
        if (openMetrics) {
            patterns.add(PathPatternParser.defaultInstance.parse(METRICS_PATH));
        }
        this.open = List.copyOf(patterns);
    }

    boolean enabled() {
        return !keyDigests.isEmpty();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !enabled();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (isOpen(request) || key != null && matches(key)) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
        response.getWriter()
                .write("{\"type\":\"" + ProblemTypes.UNAUTHORIZED + "\",\"title\":\"Unauthorized\","
                        + "\"status\":401,\"detail\":\"A valid X-API-Key header is required.\"}");
    }

    /** Read-only requests for an allow-listed path, as routed; anything unparseable is not open. */
    boolean isOpen(HttpServletRequest request) {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return false;
        }
        try {
            PathContainer path = RequestPath.parse(request.getRequestURI(), request.getContextPath())
                    .pathWithinApplication();
            for (PathPattern p : open) {
                if (p.matches(path)) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean matches(String key) {
        byte[] d = digest(key);
        boolean ok = false;
        // Check every key, without short-circuiting, so timing does not reveal which one matched.
        for (byte[] k : keyDigests) {
            ok |= MessageDigest.isEqual(k, d);
        }
        return ok;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
