package dev.inceptionclassifier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadOptionsTests {

    @Test
    void defaultsTargetLoopbackClosedLoop() {
        LoadOptions o = LoadOptions.parse();
        assertThat(o.url().toString()).isEqualTo("http://127.0.0.1:8080");
        assertThat(o.mode()).isEqualTo(LoadOptions.Mode.CLOSED);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.classifyUri().toString()).isEqualTo("http://127.0.0.1:8080/classify");
        assertThat(o.metricsUri().toString()).isEqualTo("http://127.0.0.1:8080/actuator/prometheus");
    }

    @Test
    void parsesEveryOption() {
        LoadOptions o = LoadOptions.parse(
                "--url",
                "http://localhost:9090/",
                "--mode",
                "open",
                "--rate",
                "2.5",
                "--duration",
                "1500ms",
                "--warmup",
                "2m",
                "--model",
                "inception_v4",
                "--top-k",
                "3",
                "--multipart",
                "--sizes",
                "10x20,30x40",
                "--generate",
                "5",
                "--timeout",
                "PT3S",
                "--max-outstanding",
                "7");
        assertThat(o.mode()).isEqualTo(LoadOptions.Mode.OPEN);
        assertThat(o.rate()).isEqualTo(2.5);
        assertThat(o.duration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.warmup()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.multipart()).isTrue();
        assertThat(o.maxOutstanding()).isEqualTo(7);
        assertThat(o.sizes()).containsExactly(new ImageCorpus.Size(10, 20), new ImageCorpus.Size(30, 40));
        assertThat(o.generateDir().getFileName().toString()).isEqualTo("images-5");
        assertThat(o.classifyUri().toString()).isEqualTo("http://localhost:9090/classify?model=inception_v4&topK=3");
    }

    @Test
    void openLoopNeedsARate() {
        assertThatThrownBy(() -> LoadOptions.parse("--mode", "open")).hasMessageContaining("--rate");
    }

    @Test
    void refusesNonLoopbackTargetsUnlessAllowed() {
        assertThatThrownBy(() -> LoadOptions.parse("--url", "http://10.1.2.3:8080"))
                .hasMessageContaining("not a loopback address");
        assertThat(LoadOptions.parse("--url", "http://[::1]:8080").url().getPort())
                .isEqualTo(8080);
        assertThat(LoadOptions.parse("--url", "http://127.0.0.2:8080").url().getHost())
                .isEqualTo("127.0.0.2");
    }

    @Test
    void rejectsBadValues() {
        assertThatThrownBy(() -> LoadOptions.parse("--concurrency", "0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> LoadOptions.parse("--duration", "10x")).hasMessageContaining("bad duration");
        assertThatThrownBy(() -> LoadOptions.parse("--sizes", "10")).hasMessageContaining("bad size");
        assertThatThrownBy(() -> LoadOptions.parse("--bogus", "1")).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> LoadOptions.parse("--url")).hasMessageContaining("missing value");
    }
}
