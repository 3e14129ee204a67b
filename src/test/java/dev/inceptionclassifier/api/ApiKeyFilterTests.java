package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ApiKeyFilterTests {

    @Test
    void offByDefault() throws Exception {
        ApiKeyFilter filter = new ApiKeyFilter(List.of(), false);
        MockHttpServletResponse response = run(filter, "POST", "", "/classify", null);
        assertThat(response.getStatus()).isEqualTo(200);
    }

    @Test
    void everythingNeedsOneOfTheKeysExceptTheHealthProbes() throws Exception {
        ApiKeyFilter filter = new ApiKeyFilter(List.of("alpha-key", "beta-key"), false);
        assertThat(run(filter, "POST", "", "/classify", "beta-key").getStatus()).isEqualTo(200);
        assertThat(run(filter, "POST", "", "/classify", "alpha-key").getStatus())
                .isEqualTo(200);
        MockHttpServletResponse denied = run(filter, "POST", "", "/classify", "alpha-ke");
        assertThat(denied.getStatus()).isEqualTo(401);
        assertThat(denied.getContentType()).isEqualTo("application/problem+json");
        assertThat(denied.getContentAsString())
                .contains("problems/unauthorized")
                .doesNotContain("alpha");
        assertThat(run(filter, "POST", "", "/classify", null).getStatus()).isEqualTo(401);
        assertThat(run(filter, "GET", "", "/models", null).getStatus()).isEqualTo(401);
        assertThat(run(filter, "GET", "", "/actuator/prometheus", null).getStatus())
                .isEqualTo(401);
        assertThat(run(filter, "GET", "", "/a/future/endpoint", null).getStatus())
                .isEqualTo(401);
        for (String probe : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            assertThat(run(filter, "GET", "", probe, null).getStatus())
                    .as(probe)
                    .isEqualTo(200);
            assertThat(run(filter, "HEAD", "", probe, null).getStatus())
                    .as(probe)
                    .isEqualTo(200);
            assertThat(run(filter, "POST", "", probe, null).getStatus())
                    .as("POST " + probe)
                    .isEqualTo(401);
        }
        assertThat(run(filter, "GET", "/api", "/api/actuator/health/readiness", null)
                        .getStatus())
                .isEqualTo(200);
        assertThat(new ApiKeyFilter(List.of("k"), true).isOpen(request("GET", "", "/actuator/prometheus")))
                .isTrue();
    }

    /**
     * Spellings of a protected path that Spring MVC may route like the plain one. None of them, nor any path, may be
     * mistaken for an open one; only exact probe paths (as routed) are open.
     */
    @Test
    void noSpellingOfAProtectedPathLooksOpen() {
        ApiKeyFilter filter = new ApiKeyFilter(List.of("k"), false);
        for (String path : List.of(
                "/%63lassify",
                "/classify;x=1",
                "/classify/",
                "//classify",
                "/CLASSIFY",
                "/actuator/health/../../classify",
                "/actuator/health/..;/..;/classify",
                "/actuator/health;/../classify",
                "/actuator/health%2F..%2F..%2Fclassify",
                "/actuator/health/%2e%2e/%2e%2e/models",
                "/actuator/health/readiness/../../../models",
                "/actuator/healthx",
                "/actuator/health/x",
                "/actuator/env",
                "/actuator/prometheus",
                "/actuator",
                "/error",
                "/models;a=b")) {
            assertThat(filter.isOpen(request("GET", "", path))).as(path).isFalse();
        }
        // Spellings of the probes that routing accepts stay open; the context path is taken off first.
        assertThat(filter.isOpen(request("GET", "", "/actuator/health;v=1"))).isTrue();
        assertThat(filter.isOpen(request("GET", "", "/actuator/%68ealth/readiness")))
                .isTrue();
        assertThat(filter.isOpen(request("GET", "/api", "/api/actuator/health")))
                .isTrue();
        assertThat(filter.isOpen(request("GET", "/api", "/actuator/health"))).isFalse();
    }

    @Test
    void timeoutsAcceptCommonForms() {
        assertThat(ClassifyController.parseTimeout("250")).isEqualTo(Duration.ofMillis(250));
        assertThat(ClassifyController.parseTimeout("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ClassifyController.parseTimeout("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ClassifyController.parseTimeout("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ClassifyController.parseTimeout(null)).isNull();
        for (String bad : List.of("soon", "-1s", "0", "PT0S", "1h")) {
            assertThatThrownBy(() -> ClassifyController.parseTimeout(bad))
                    .as(bad)
                    .isInstanceOf(BadRequestException.class);
        }
    }

    private static MockHttpServletRequest request(String method, String contextPath, String uri) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        request.setContextPath(contextPath);
        return request;
    }

    private static MockHttpServletResponse run(
            ApiKeyFilter filter, String method, String contextPath, String uri, String key) throws Exception {
        MockHttpServletRequest request = request(method, contextPath, uri);
        if (key != null) {
            request.addHeader(ApiKeyFilter.HEADER, key);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }
}
