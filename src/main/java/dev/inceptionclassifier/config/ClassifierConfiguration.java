package dev.inceptionclassifier.config;

import ai.djl.engine.Engine;
import dev.inceptionclassifier.api.ApiSettings;
import dev.inceptionclassifier.image.DecodeMemoryBudget;
import dev.inceptionclassifier.image.ImageLimits;
import dev.inceptionclassifier.image.ImagePipeline;
import dev.inceptionclassifier.image.JpegBackend;
import dev.inceptionclassifier.inference.InferenceSettings;
import dev.inceptionclassifier.model.EngineSetup;
import dev.inceptionclassifier.model.ModelLoader;
import dev.inceptionclassifier.model.ModelRegistry;
import dev.inceptionclassifier.model.ServingDevices;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * Wires the engine, the devices and the models, in that order. DJL's settings are already in place:
 * {@link EngineEnvironmentPostProcessor} applied them before the context was created.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClassifierProperties.class)
class ClassifierConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ClassifierConfiguration.class);

    /** Its system properties were set before the context existed (EngineEnvironmentPostProcessor). */
    @Bean
    Engine djlEngine() {
        return EngineSetup.start();
    }

    @Bean
    ServingDevices servingDevices(ClassifierProperties props, Engine djlEngine) {
        return ServingDevices.resolve(props.inference().device(), djlEngine.getGpuCount());
    }

    /** No destroy method: InferenceService closes each model once the workers that use it have stopped. */
    @Bean(destroyMethod = "")
    ModelRegistry modelRegistry(ClassifierProperties props, ServingDevices devices) {
        ModelLoader loader = ModelLoader.create(
                Settings.sources(props),
                props.fallbackToRandom(),
                props.inference().precision(),
                props.inference().execution());
        return ModelRegistry.load(props.models().stream().map(Settings::model).toList(), loader, devices.devices());
    }

    @Bean
    InferenceSettings inferenceSettings(ClassifierProperties props) {
        return Settings.inference(props.inference());
    }

    @Bean
    ApiSettings apiSettings(ClassifierProperties props) {
        return Settings.api(props);
    }

    @Bean
    DecodeMemoryBudget decodeMemoryBudget(ClassifierProperties props, MeterRegistry meters) {
        ClassifierProperties.Image i = props.image();
        String setting = i.decodeMemoryBudget().trim();
        long bytes = setting.endsWith("%")
                ? DecodeMemoryBudget.fractionOfMaxHeap(
                        Integer.parseInt(setting.substring(0, setting.length() - 1)) / 100.0)
                : DataSize.parse(setting).toBytes();
        DecodeMemoryBudget budget = new DecodeMemoryBudget(bytes, i.decodeMemoryWait());
        log.info(
                "Decode memory budget: {} MiB (classifier.image.decode-memory-budget={}, max heap {} MiB); an upload"
                        + " waits at most {} ms for room",
                budget.capacityBytes() >> 20,
                setting,
                Runtime.getRuntime().maxMemory() >> 20,
                i.decodeMemoryWait().toMillis());
        Gauge.builder("classifier.decode.memory.reserved", budget, DecodeMemoryBudget::reservedBytes)
                .description("Bytes reserved by decodes in progress")
                .baseUnit("bytes")
                .register(meters);
        Gauge.builder("classifier.decode.memory.budget", budget, DecodeMemoryBudget::capacityBytes)
                .description("Bytes that decodes may reserve at once")
                .baseUnit("bytes")
                .register(meters);
        return budget;
    }

    @Bean
    ImagePipeline imagePipeline(ClassifierProperties props, DecodeMemoryBudget decodeMemoryBudget) {
        ClassifierProperties.Image i = props.image();
        JpegBackend jpeg =
                JpegBackend.select(JpegBackend.Choice.parse(i.jpegDecoder()), i.turbojpegJar(), i.turbojpegLibrary());
        log.info("JPEG decoder: {} (classifier.image.jpeg-decoder={})", jpeg.description(), i.jpegDecoder());
        return new ImagePipeline(
                new ImageLimits(
                        i.maxBytes(),
                        i.maxPixels(),
                        i.maxSide(),
                        i.maxMetadataBytes(),
                        i.maxProgressiveScans(),
                        i.decodeTimeout()),
                jpeg,
                decodeMemoryBudget);
    }
}
