package dev.inceptionclassifier.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** DJL's system properties are in place before the application context creates its first bean. */
class EngineEnvironmentPostProcessorTests {

    private static final List<String> KEYS = List.of(
            "ai.djl.pytorch.num_threads",
            "ai.djl.pytorch.num_interop_threads",
            "ai.djl.pytorch.graph_optimizer",
            "ai.djl.offline",
            "DJL_CACHE_DIR",
            "ENGINE_CACHE_DIR");

    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void save() {
        KEYS.forEach(k -> saved.put(k, System.getProperty(k)));
    }

    @AfterEach
    void restore() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    @Test
    void appliesTheEngineSettingsToTheSystemProperties() {
        var env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new MapPropertySource(
                        "test",
                        Map.of(
                                "classifier.engine.num-interop-threads",
                                "2",
                                "classifier.engine.graph-optimizer",
                                "false",
                                "classifier.engine.cache-dir",
                                "/var/cache/djl",
                                "classifier.inference.workers",
                                "1")));
        System.clearProperty("DJL_CACHE_DIR");
        new EngineEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
        assertThat(System.getProperty("ai.djl.pytorch.num_interop_threads")).isEqualTo("2");
        assertThat(System.getProperty("ai.djl.pytorch.graph_optimizer")).isEqualTo("false");
        assertThat(System.getProperty("DJL_CACHE_DIR")).isEqualTo("/var/cache/djl");
    }

    @Test
    void anInvalidValueIsLeftToTheValidatedBinding() {
        var env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new MapPropertySource("test", Map.of("classifier.engine.num-threads", "many")));
        System.setProperty("ai.djl.pytorch.num_threads", "unchanged");
        new EngineEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
        assertThat(System.getProperty("ai.djl.pytorch.num_threads")).isEqualTo("unchanged");
    }

    /**
     * Through {@code META-INF/spring.factories} only (the application registers nothing): a bean of the context sees
     * the properties already set, so nothing the context creates can load DJL before them.
     */
    @Test
    void theSystemPropertiesAreSetBeforeTheFirstBeanIsCreated() {
        System.setProperty("ai.djl.pytorch.num_threads", "before");
        var app = new SpringApplication(FirstBean.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setDefaultProperties(Map.of("classifier.engine.num-threads", "7", "spring.main.banner-mode", "off"));
        try (ConfigurableApplicationContext ctx = app.run()) {
            assertThat(ctx.getBean("seenAtCreation")).isEqualTo("7");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FirstBean {

        @Bean
        String seenAtCreation() {
            return System.getProperty("ai.djl.pytorch.num_threads");
        }
    }
}
