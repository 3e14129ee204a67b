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
        ApiKeyFilter filter = new ApiKeyFilter(List.of());
        MockHttpServletResponse response = run(filter, "/classify", null);
        assertThat(response.getStatus()).isEqualTo(200);
    }

    @Test
    void classifyNeedsOneOfTheKeysOtherPathsDoNot() throws Exception {
        ApiKeyFilter filter = new ApiKeyFilter(List.of("alpha-key", "beta-key"));
        assertThat(run(filter, "/classify", "beta-key").getStatus()).isEqualTo(200);
        assertThat(run(filter, "/classify", "alpha-key").getStatus()).isEqualTo(200);
        MockHttpServletResponse denied = run(filter, "/classify", "alpha-ke");
        assertThat(denied.getStatus()).isEqualTo(401);
        assertThat(denied.getContentType()).isEqualTo("application/problem+json");
        assertThat(denied.getContentAsString()).contains("problems/unauthorized").doesNotContain("alpha");
        assertThat(run(filter, "/classify", null).getStatus()).isEqualTo(401);
        assertThat(run(filter, "/models", null).getStatus()).isEqualTo(200);
        assertThat(run(filter, "/actuator/health", null).getStatus()).isEqualTo(200);
    }

    @Test
    void timeoutsAcceptCommonForms() {
        assertThat(ClassifyController.parseTimeout("250")).isEqualTo(Duration.ofMillis(250));
        assertThat(ClassifyController.parseTimeout("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ClassifyController.parseTimeout("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ClassifyController.parseTimeout("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ClassifyController.parseTimeout(null)).isNull();
        for (String bad : List.of("soon", "-1s", "0", "PT0S", "1h")) {
            assertThatThrownBy(() -> ClassifyController.parseTimeout(bad)).as(bad)
                    .isInstanceOf(BadRequestException.class);
        }
    }

    private static MockHttpServletResponse run(ApiKeyFilter filter, String uri, String key) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", uri);
        if (key != null) {
            request.addHeader(ApiKeyFilter.HEADER, key);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }
}
