package dev.inceptionclassifier.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** Binding and validation of the {@code classifier.*} tree, without loading any model. */
class ClassifierPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ClassifierProperties.class)
    static class Config {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues("classifier.models[0].name=v4", "classifier.models[0].architecture=inception_v4");

    @Test
    void defaultsAreDocumentedValues() {
        runner.run(ctx -> {
            ClassifierProperties p = ctx.getBean(ClassifierProperties.class);
            assertThat(p.fallbackToRandom()).as("production fails closed").isFalse();
            assertThat(p.hub().maxDownloadSize()).isEqualTo(DataSize.ofGigabytes(1));
            assertThat(p.models().get(0).sha256().weights()).isNull();
            assertThat(p.models().get(0).allowUnpinnedTorchscript()).isFalse();
            assertThat(p.inference().maxBatchSize()).isEqualTo(8);
            assertThat(p.inference().maxBatchDelay()).isEqualTo(Duration.ofMillis(5));
            assertThat(p.inference().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(p.inference().rejectStatus()).isEqualTo(503);
            assertThat(p.image().maxBytes()).isEqualTo(20L * 1024 * 1024);
            assertThat(p.image().maxPixels()).isEqualTo(40_000_000L);
            assertThat(p.models().get(0).seed()).isEqualTo(42);
            assertThat(p.models().get(0).foldBatchNorm()).isTrue();
            assertThat(p.security().apiKeys()).isEmpty();
            assertThat(p.resolvedModelCache().toString()).endsWith(".cache/inception-classifier");
        });
    }

    @Test
    void relaxedBindingFromEnvironmentStyleNames() {
        runner.withPropertyValues(
                        "classifier.inference.max-batch-size=16",
                        "classifier.inference.maxBatchDelay=20ms",
                        "classifier.models[0].source=random",
                        "classifier.security.api-keys=a,b")
                .run(ctx -> {
                    ClassifierProperties p = ctx.getBean(ClassifierProperties.class);
                    assertThat(p.inference().maxBatchSize()).isEqualTo(16);
                    assertThat(p.inference().maxBatchDelay()).isEqualTo(Duration.ofMillis(20));
                    assertThat(p.models().get(0).source()).isEqualTo("random");
                    assertThat(p.security().apiKeys()).containsExactly("a", "b");
                    assertThat(p.security().toString()).doesNotContain("a,").contains("2 configured");
                });
    }

    @Test
    void theDevProfileOfTheQuickStartTurnsTheRandomFallbackOn() {
        ApplicationContextRunner withConfigFiles =
                runner.withInitializer(new ConfigDataApplicationContextInitializer());
        withConfigFiles.run(
                ctx -> assertThat(ctx.getBean(ClassifierProperties.class).fallbackToRandom())
                        .isFalse());
        withConfigFiles
                .withPropertyValues("spring.profiles.active=dev")
                .run(ctx -> assertThat(ctx.getBean(ClassifierProperties.class).fallbackToRandom())
                        .isTrue());
    }

    @Test
    void pinsAndTheDownloadLimitBind() {
        String sha = "0123456789abcdef".repeat(4);
        runner.withPropertyValues(
                        "classifier.models[0].sha256.weights=" + sha.toUpperCase(),
                        "classifier.models[0].sha256.config=" + sha,
                        "classifier.models[0].allow-unpinned-torchscript=true",
                        "classifier.hub.max-download-size=300MB")
                .run(ctx -> {
                    ClassifierProperties p = ctx.getBean(ClassifierProperties.class);
                    assertThat(p.models().get(0).sha256().weights()).isEqualTo(sha.toUpperCase());
                    assertThat(p.models().get(0).sha256().config()).isEqualTo(sha);
                    assertThat(p.models().get(0).allowUnpinnedTorchscript()).isTrue();
                    assertThat(p.hub().maxDownloadSize()).isEqualTo(DataSize.ofMegabytes(300));
                });
        runner.withPropertyValues("classifier.models[0].sha256.weights=abc")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("must be 64 hex digits"));
        runner.withPropertyValues("classifier.hub.max-download-size=0")
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("max-download-size must be positive"));
    }

    @Test
    void unknownKeysFailTheStart() {
        runner.withPropertyValues("classifier.inference.max-batch=16")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause().hasMessageContaining("max-batch"));
    }

    @Test
    void invalidValuesFailTheStartNamingTheProperty() {
        runner.withPropertyValues("classifier.models[0].architecture=resnet50")
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("architecture must be inception_v4"));
        runner.withPropertyValues("classifier.inference.reject-status=500")
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("reject-status must be 503 or 429"));
        runner.withPropertyValues("classifier.inference.max-batch-size=0")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("maxBatchSize"));
        runner.withPropertyValues("classifier.models[1].name=v4", "classifier.models[1].architecture=inception_v4")
                .run(ctx ->
                        assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("model names must be unique"));
        runner.withPropertyValues("classifier.models[0].name=bad name")
                .run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void tokensNeverAppearInToString() {
        runner.withPropertyValues("classifier.hub.token=hf_secret123").run(ctx -> {
            ClassifierProperties p = ctx.getBean(ClassifierProperties.class);
            assertThat(p.hub().token()).isEqualTo("hf_secret123");
            assertThat(p.toString()).doesNotContain("hf_secret123");
        });
    }
}
