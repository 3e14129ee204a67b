package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class SecurityHeadersFilterTests {

    private final SecurityHeadersFilter filter = new SecurityHeadersFilter();

    @Test
    void thePageGetsASameOriginPolicyWithoutInlineCode() throws Exception {
        for (String path : new String[] {"/", "/index.html", "/assets/app.js", "/assets/app.css"}) {
            MockHttpServletResponse r = run(request(path));
            String csp = r.getHeader("Content-Security-Policy");
            assertThat(csp)
                    .as(path)
                    .contains(
                            "default-src 'self'",
                            "frame-ancestors 'none'",
                            "img-src 'self' blob:",
                            "object-src 'none'",
                            "base-uri 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval", "*", "http:", "https:");
            assertThat(r.getHeader("Permissions-Policy")).as(path).contains("camera=()");
            assertCommonHeaders(r);
        }
    }

    @Test
    void apiResponsesAreNeverDocumentsAndSwaggerUiKeepsItsOwnPolicy() throws Exception {
        for (String path : new String[] {
            "/classify", "/models", "/actuator/health", "/v2/models/x/infer", "/error", "/index.htm", "/assetsx/app.js"
        }) {
            MockHttpServletResponse r = run(request(path));
            assertThat(r.getHeader("Content-Security-Policy"))
                    .as(path)
                    .isEqualTo("default-src 'none'; frame-ancestors 'none'");
            assertThat(r.getHeader("Permissions-Policy")).as(path).isNull();
            assertCommonHeaders(r);
        }
        MockHttpServletResponse swagger = run(request("/swagger-ui/index.html"));
        assertThat(swagger.getHeader("Content-Security-Policy")).isNull();
        assertCommonHeaders(swagger);
    }

    @Test
    void pathsAreMatchedBelowTheContextPath() throws Exception {
        MockHttpServletRequest req = request("/classifier/");
        req.setContextPath("/classifier");
        assertThat(run(req).getHeader("Content-Security-Policy")).isEqualTo(SecurityHeadersFilter.PAGE_POLICY);
    }

    @Test
    void errorDispatchesGetTheHeadersToo() throws Exception {
        MockHttpServletRequest req = request("/error");
        req.setDispatcherType(DispatcherType.ERROR);
        req.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/classify");
        assertCommonHeaders(run(req));
    }

    private static void assertCommonHeaders(MockHttpServletResponse r) {
        assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
    }

    private static MockHttpServletRequest request(String uri) {
        return new MockHttpServletRequest("GET", uri);
    }

    private MockHttpServletResponse run(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }
}
