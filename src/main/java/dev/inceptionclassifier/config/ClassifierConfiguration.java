package dev.inceptionclassifier.config;

import ai.djl.engine.Engine;
import dev.inceptionclassifier.image.ImageLimits;
import dev.inceptionclassifier.image.ImagePipeline;
import dev.inceptionclassifier.model.EngineSetup;
import dev.inceptionclassifier.model.ModelLoader;
import dev.inceptionclassifier.model.ModelRegistry;
import dev.inceptionclassifier.model.ServingDevices;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the engine, the devices and the models, in that order: DJL's settings must be in place before it loads. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClassifierProperties.class)
class ClassifierConfiguration {

    @Bean
    Engine djlEngine(ClassifierProperties props) {
        return EngineSetup.start(props.engine(), props.inference().workers() * props.models().size());
    }

    @Bean
    ServingDevices servingDevices(ClassifierProperties props, Engine djlEngine) {
        return ServingDevices.resolve(props.inference().device(), djlEngine.getGpuCount());
    }

    @Bean(destroyMethod = "close")
    ModelRegistry modelRegistry(ClassifierProperties props, ServingDevices devices) {
        return ModelRegistry.load(props, ModelLoader.create(props), devices.devices());
    }

    @Bean
    ImagePipeline imagePipeline(ClassifierProperties props) {
        ClassifierProperties.Image i = props.image();
        return new ImagePipeline(new ImageLimits(i.maxBytes(), i.maxPixels(), i.maxSide(), i.maxMetadataBytes(),
                i.maxProgressiveScans(), i.decodeTimeout()));
    }
}
