package dev.inceptionclassifier.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses with 400 a path that has a {@code .} or {@code ..} segment, plain, percent-encoded or with
 * {@code ;params}. No endpoint has one, and Spring MVC routes the raw path, so such segments reach handlers as
 * literal names: {@code GET /actuator/health/../x} made the health endpoint fail with a 500. Spring Security's
 * {@code StrictHttpFirewall} refuses the same paths.
 */
final class DotSegmentFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hasDotSegment(request)) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter()
                .write("{\"type\":\"" + ProblemTypes.HTTP + "\",\"title\":\"Bad Request\","
                        + "\"status\":400,\"detail\":\"The request path may not contain '.' or '..' segments.\"}");
    }

    static boolean hasDotSegment(HttpServletRequest request) {
        PathContainer path;
        try {
            path = RequestPath.parse(request.getRequestURI(), request.getContextPath())
                    .pathWithinApplication();
        } catch (RuntimeException e) {
            // Not parseable as Spring parses it: Tomcat or the router will refuse it.
            return false;
        }
        for (PathContainer.Element e : path.elements()) {
            if (e instanceof PathContainer.PathSegment s
                    && (s.valueToMatch().equals(".") || s.valueToMatch().equals(".."))) {
                return true;
            }
        }
        return false;
    }
}
