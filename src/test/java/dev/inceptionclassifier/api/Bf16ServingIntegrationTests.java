package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.model.CpuFeatures;
import dev.inceptionclassifier.support.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The service with {@code classifier.inference.precision=bf16} on a CPU that computes bfloat16 natively (skipped
 * elsewhere: there the start is refused, which {@code PrecisionPolicyTests} checks). Clients see float32 answers and
 * are told what ran.
 */
@EnabledIf("nativeBf16")
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.fallback-to-random=false",
            "classifier.inference.device=cpu",
            "classifier.inference.precision=bf16",
            "classifier.inference.max-batch-size=2",
            "classifier.inference.request-timeout=120s",
            "classifier.models[0].name=v4",
            "classifier.models[0].architecture=inception_v4",
            "classifier.models[0].source=random"
        })
class Bf16ServingIntegrationTests {

    @LocalServerPort
    int port;

    static boolean nativeBf16() {
        return CpuFeatures.system().nativeBf16();
    }

    @Test
    void servesInBf16AndSaysSo() {
        HttpTestClient http = new HttpTestClient(port);
        JsonNode model = http.get("/models").json().get("models").get(0);
        assertThat(model.get("precision").asString()).isEqualTo("bf16");
        assertThat(model.get("execution").asString()).isEqualTo("compiled");

        var r = http.postRaw("/classify?topK=1000", "image/jpeg", TestImages.jpeg(400, 300, 5));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.get("precision").asString()).isEqualTo("bf16");
        assertThat(json.get("execution").asString()).isEqualTo("compiled");
        double sum = 0;
        for (JsonNode p : json.get("predictions")) {
            double prob = p.get("probability").asDouble();
            assertThat(prob).isBetween(0.0, 1.0);
            sum += prob;
        }
        assertThat(sum).isBetween(0.999, 1.001);
    }
}
