package dev.inceptionclassifier.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Browser hardening headers. Every response gets {@code nosniff}, {@code Referrer-Policy: no-referrer} and
 * {@code X-Frame-Options: DENY}. The upload page ({@code /}, {@code /index.html}, {@code /assets/**}) gets a
 * Content-Security-Policy that allows this origin only (scripts and styles from files, no inline code) plus
 * {@code blob:} images for the local preview; every other response gets {@code default-src 'none'}, since JSON is never
 * meant to render as a document. Swagger UI ({@code /swagger-ui/**}) keeps its own needs and gets no CSP from here.
 * Headers are set before the chain runs, so they are on 401s, problems and error dispatches too.
 */
final class SecurityHeadersFilter extends OncePerRequestFilter {

    static final String PAGE_POLICY = "default-src 'self'; img-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    static final String PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()";

    private static final Set<String> PAGE_PATHS = Set.of("/", "/index.html");

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        // An error dispatch may have reset the response; set the headers again.
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        String path = path(request);
        if (isPage(path)) {
            response.setHeader("Content-Security-Policy", PAGE_POLICY);
            response.setHeader("Permissions-Policy", PERMISSIONS_POLICY);
        } else if (!path.startsWith("/swagger-ui")) {
            response.setHeader("Content-Security-Policy", API_POLICY);
        }
        chain.doFilter(request, response);
    }

    static boolean isPage(String path) {
        return PAGE_PATHS.contains(path) || path.startsWith("/assets/");
    }

    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
