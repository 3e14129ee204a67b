package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.support.RandomInceptionV4;
import dev.inceptionclassifier.support.TestImages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * API keys on, behind a context path, against the real Tomcat and Spring MVC routing: every spelling of every
 * endpoint that the router might accept needs a key; only the health probes are open. Each path is also sent with
 * a key, to show which spellings really reach a handler (those would have been bypasses of a raw-URI check).
 */
@RandomInceptionV4
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.models[0].preprocess.input-size=75",
            "classifier.inference.max-batch-size=1",
            "classifier.security.api-keys=first-key,second-key",
            "server.servlet.context-path=/api"
        })
class ApiKeyIntegrationTests {

    static final String KEY = "X-API-Key: second-key";

    @LocalServerPort
    int port;

    RawHttp raw;

    @BeforeEach
    void client() {
        raw = new RawHttp(port);
    }

    /** Spellings of {@code /classify} under the context path {@code /api}. */
    static final List<String> CLASSIFY = List.of(
            "/api/classify",
            "/api/%63lassify",
            "/api/%63%6C%61%73%73%69%66%79",
            "/api/classify/",
            "/api//classify",
            "/api/classify;x=1",
            "/api/classify;jsessionid=abc",
            "/api/;x=1/classify",
            "/api/CLASSIFY",
            "/api/Classify",
            "/api/./classify",
            "/api/x/../classify",
            "/api/classify%2F",
            "/api/%2Fclassify",
            "/api/classify/.",
            "/api/classify?topK=1",
            "/api/classify%20",
            "/api/classify%00",
            "/api/classify/x",
            "/api/actuator/health/../../classify",
            "/api/actuator/health/..;/..;/classify",
            "/api/actuator/health;/../../classify",
            "/api/actuator/health%2F..%2F..%2Fclassify",
            "/api/actuator/health/%2e%2e/%2e%2e/classify",
            "/api/actuator/health/readiness/../../../classify",
            "/%61pi/classify",
            "/api;x=1/classify",
            "/api;jsessionid=1/%63lassify",
            "/api/.;/classify",
            "/api/%3Bx/classify");

    /** Every other endpoint, and ones that do not exist yet, read-only. */
    static final List<String> OTHERS = List.of(
            "/api/models",
            "/api/%6Dodels",
            "/api/models/",
            "/api/models;a=b",
            "/api//models",
            "/api/MODELS",
            "/api/actuator/health/../../models",
            "/api/actuator/prometheus",
            "/api/actuator/%70rometheus",
            "/api/actuator/prometheus;x=1",
            "/api/actuator/prometheus/",
            "/api/actuator/info",
            "/api/actuator",
            "/api/actuator/env",
            "/api/actuator/health/models",
            "/api/actuator/health/workers",
            "/api/actuator/healthx",
            "/api/actuator/health/readiness/x",
            "/api/error",
            "/api/not-yet-an-endpoint",
            "/api/v2",
            "/api/v2/models/inception_v4",
            "/api/v2/models/inception_v4/ready",
            "/api/v2/health/../models/inception_v4",
            "/api/assets/../models",
            "/api/v3/api-docs/../../models",
            "/api/swagger-ui/%2e%2e/models");

    @Test
    void noSpellingOfAnyEndpointIsServedWithoutAKey() {
        byte[] jpeg = TestImages.jpeg(100, 80, 1);
        List<String> bypasses = new ArrayList<>();
        int tried = 0;
        int reachHandlerWithKey = 0;
        List<String[]> requests = new ArrayList<>();
        CLASSIFY.forEach(p -> requests.add(new String[] {"POST", p}));
        OTHERS.forEach(p -> requests.add(new String[] {"GET", p}));
        for (String path : List.of("/api/classify", "/api/models")) {
            for (String method : List.of("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")) {
                requests.add(new String[] {method, path});
            }
        }
        for (String probe : ApiKeyFilter.OPEN_PATHS) {
            requests.add(new String[] {"POST", "/api" + probe});
            requests.add(new String[] {"PUT", "/api" + probe});
        }
        for (String[] r : requests) {
            String method = r[0];
            String path = r[1];
            boolean body = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
            RawHttp.Answer without = raw.send(method, path, body ? jpeg : null, "Content-Type: image/jpeg");
            RawHttp.Answer with = raw.send(method, path, body ? jpeg : null, "Content-Type: image/jpeg", KEY);
            tried++;
            System.out.printf(
                    "auth: %-7s %-55s without key %d, with key %d%n", method, path, without.status(), with.status());
            if (with.status() < 300 || with.status() == 405 || with.status() == 415) {
                reachHandlerWithKey++;
            }
            // Anything but 401 is allowed only where the key makes no difference: Tomcat refused the path (a '%2F',
            // a NUL, a path outside the context) before any application code ran.
            if (without.status() < 400 || without.status() != 401 && without.status() != with.status()) {
                bypasses.add(method + " " + path + " -> " + without.status() + " (with key " + with.status() + ")");
            }
            if (without.status() == 401 && !method.equals("HEAD")) {
                assertThat(without.body()).contains("problems/unauthorized");
                assertThat(without.header("WWW-Authenticate")).startsWith("ApiKey");
            }
        }
        System.out.printf(
                "auth: %d requests without a key (each also sent with one; %d of those reached a handler),"
                        + " %d served without a key%n",
                tried, reachHandlerWithKey, bypasses.size());
        assertThat(bypasses).isEmpty();
        // The spellings that Spring routes to the classifier do reach it with a key: the test exercises real routes.
        assertThat(raw.send("POST", "/api/%63lassify", jpeg, "Content-Type: image/jpeg", KEY)
                        .status())
                .isEqualTo(200);
        assertThat(raw.send("POST", "/api/classify;x=1", jpeg, "Content-Type: image/jpeg", KEY)
                        .status())
                .isEqualTo(200);
        assertThat(reachHandlerWithKey).isGreaterThan(5);
    }

    @Test
    void onlyTheProbesThePageAndTheDocumentationAreOpen() {
        for (String path : List.of(
                "/v2/health/live",
                "/v2/health/ready",
                "/",
                "/index.html",
                "/assets/app.js",
                "/v3/api-docs",
                "/swagger-ui/index.html")) {
            assertThat(raw.send("GET", "/api" + path, null).status()).as(path).isEqualTo(200);
        }
        for (String path : List.of("/v2", "/v2/models/inception_v4", "/v2/models/inception_v4/ready", "/models")) {
            assertThat(raw.send("GET", "/api" + path, null).status()).as(path).isEqualTo(401);
        }
        for (String probe : ApiKeyFilter.HEALTH_PATHS) {
            RawHttp.Answer get = raw.send("GET", "/api" + probe, null);
            assertThat(get.status()).as(probe).isEqualTo(200);
            assertThat(get.body()).contains("\"UP\"");
            assertThat(raw.send("HEAD", "/api" + probe, null).status())
                    .as("HEAD " + probe)
                    .isEqualTo(200);
        }
        assertThat(raw.send("GET", "/api/actuator/health;v=1", null).status()).isEqualTo(200);
        assertThat(raw.send("GET", "/api/models", null).status()).isEqualTo(401);
        assertThat(raw.send("GET", "/api/models", null, KEY).status()).isEqualTo(200);
        assertThat(raw.send("GET", "/api/actuator/prometheus", null, "X-API-Key: first-key")
                        .status())
                .isEqualTo(200);
        assertThat(raw.send("GET", "/api/models", null, "X-API-Key: second-ke").status())
                .isEqualTo(401);
        assertThat(raw.send("GET", "/api/models", null, "X-API-Key: ").status()).isEqualTo(401);
    }
}
