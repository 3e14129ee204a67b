package dev.inceptionclassifier.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Optional {@code X-API-Key} check for {@code /classify} and the v2 inference endpoint
 * ({@code POST /v2/models/{name}[/versions/{v}]/infer}) ({@code classifier.security.api-keys}). Keys are compared
 * in constant time (digests of equal length) so response timing does not leak a key's prefix. Health, metrics and
 * {@code GET /models} stay open.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";

    private final List<byte[]> keyDigests;

    ApiKeyFilter(List<String> keys) {
        this.keyDigests = keys.stream().filter(k -> k != null && !k.isEmpty()).map(ApiKeyFilter::digest).toList();
    }

    boolean enabled() {
        return !keyDigests.isEmpty();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // Also the decoded, normalised path (no ";params", no "%xx") that the dispatcher matches: the raw URI alone
        // would let "/%63lassify" or ".../infer;x" through.
        String path = request.getServletPath() + (request.getPathInfo() != null ? request.getPathInfo() : "");
        return !enabled() || !(isProtected(request.getRequestURI()) || isProtected(path));
    }

    /** The paths that run inference; v2 metadata and health stay open like {@code GET /models}. */
    static boolean isProtected(String uri) {
        return uri.startsWith("/classify") || uri.startsWith("/v2/models/") && uri.endsWith("/infer");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (key != null && matches(key)) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
        response.getWriter().write("{\"type\":\"" + ProblemTypes.UNAUTHORIZED + "\",\"title\":\"Unauthorized\","
                + "\"status\":401,\"detail\":\"A valid X-API-Key header is required.\",\"instance\":\"/classify\"}");
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
