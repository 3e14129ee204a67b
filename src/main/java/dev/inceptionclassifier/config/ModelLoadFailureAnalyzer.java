package dev.inceptionclassifier.config;

import dev.inceptionclassifier.model.ModelLoadException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a model that failed to load into Spring Boot's short start-up failure report instead of a stack trace. */
class ModelLoadFailureAnalyzer extends AbstractFailureAnalyzer<ModelLoadException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ModelLoadException cause) {
        return new FailureAnalysis(cause.getMessage(), """
                Check classifier.models[].source (a folder with config.json + model.safetensors, an https:// folder URL,
                hf-hub:<repo>[@revision], a .pth/.pt state dict (it needs classifier.models[].architecture), a .pt
                TorchScript file, or random), the network or the model cache
                (classifier.model-cache; with classifier.offline=true only the cache is used), the sha256 pins
                (classifier.models[].sha256), that the checkpoint matches classifier.models[].architecture, and that
                classifier.inference.precision and .execution (or the model's own) suit the devices. A model that
                cannot be fetched fails the start unless classifier.fallback-to-random=true; the dev profile of
                ./mvnw spring-boot:run sets it, to try the service on seeded random weights.""", cause);
    }
}
