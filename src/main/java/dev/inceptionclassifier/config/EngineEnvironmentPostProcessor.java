package dev.inceptionclassifier.config;

import dev.inceptionclassifier.model.EngineSetup;
import java.util.List;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Applies {@code classifier.engine.*} as DJL's system properties once the configuration is read and before the
 * application context exists, so no bean, auto-configuration or library that touches DJL early can load the engine
 * with the defaults (DJL reads these properties once, when the engine first loads). Registered in
 * {@code META-INF/spring.factories}; runs after the config-data post-processor (it needs {@code application.yaml} and
 * the active profiles).
 */
class EngineEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Binder binder = Binder.get(environment);
        ClassifierProperties.Engine engine;
        int cpuWorkers;
        try {
            engine = binder.bindOrCreate("classifier.engine", ClassifierProperties.Engine.class);
            int workers =
                    binder.bind("classifier.inference.workers", Integer.class).orElse(1);
            int models = binder.bind("classifier.models", Bindable.listOf(ClassifierProperties.ModelProperties.class))
                    .map(List::size)
                    .orElse(1);
            cpuWorkers = Math.max(1, workers * models);
        } catch (RuntimeException e) {
            // An invalid value is reported, with its origin, by the validated binding of ClassifierProperties; the
            // start fails there, before any model loads.
            return;
        }
        EngineSetup.apply(Settings.engine(engine), cpuWorkers);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
