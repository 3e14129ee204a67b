package dev.inceptionclassifier.config;

import dev.inceptionclassifier.api.ApiSettings;
import dev.inceptionclassifier.inference.InferenceSettings;
import dev.inceptionclassifier.model.EngineSettings;
import dev.inceptionclassifier.model.ModelSettings;
import dev.inceptionclassifier.model.source.SourceSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds each package the small settings record it needs from the {@code classifier.*} tree, so that only this
 * package knows {@link ClassifierProperties}.
 */
final class Settings {

    private Settings() {}

    static EngineSettings engine(ClassifierProperties.Engine e) {
        return new EngineSettings(e.numThreads(), e.numInteropThreads(), e.graphOptimizer(), e.offline(), e.cacheDir());
    }

    static SourceSettings sources(ClassifierProperties props) {
        ClassifierProperties.Hub hub = props.hub();
        return new SourceSettings(
                props.resolvedModelCache(),
                props.offline(),
                props.labelsBaseUrl(),
                new SourceSettings.Hub(
                        hub.endpoint(),
                        hub.token(),
                        hub.connectTimeout(),
                        hub.readTimeout(),
                        hub.maxDownloadSize().toBytes()));
    }

    static ModelSettings model(ClassifierProperties.ModelProperties m) {
        ClassifierProperties.Preprocess p = m.preprocess();
        return new ModelSettings(
                m.name(),
                m.architecture(),
                m.source(),
                m.labels(),
                m.seed(),
                m.numClasses(),
                p == null ? null : p.inputSize(),
                m.foldBatchNorm(),
                new ModelSettings.Sha256(m.sha256().weights(), m.sha256().config()),
                m.allowUnpinnedTorchscript(),
                m.precision(),
                m.execution());
    }

    static InferenceSettings inference(ClassifierProperties.Inference i) {
        return new InferenceSettings(
                i.workers(),
                i.maxBatchSize(),
                i.maxBatchDelay(),
                i.queueCapacity(),
                i.requestTimeout(),
                i.drainTimeout(),
                i.workerStopTimeout(),
                i.stuckBatchMultiple());
    }

    static ApiSettings api(ClassifierProperties props) {
        ClassifierProperties.Image image = props.image();
        ClassifierProperties.Inference i = props.inference();
        return new ApiSettings(
                image.maxBytes(),
                image.maxImagesPerRequest(),
                image.maxRequestBytes(),
                image.uploadTimeout(),
                props.security().apiKeys(),
                props.security().openMetrics(),
                i.rejectStatus(),
                i.retryAfter(),
                new ApiSettings.Serving(
                        i.device(),
                        i.workers(),
                        i.maxBatchSize(),
                        i.maxBatchDelay(),
                        i.queueCapacity(),
                        i.requestTimeout(),
                        i.precision(),
                        i.execution()),
                preprocessOverrides(props));
    }

    private static Map<String, ApiSettings.Preprocess> preprocessOverrides(ClassifierProperties props) {
        Map<String, ApiSettings.Preprocess> overrides = new LinkedHashMap<>();
        for (ClassifierProperties.ModelProperties m : props.models()) {
            ClassifierProperties.Preprocess p = m.preprocess();
            if (p != null) {
                overrides.put(
                        m.name(),
                        new ApiSettings.Preprocess(
                                p.preset(), p.resizeMode(), p.cropPct(), p.interpolation(), p.mean(), p.std()));
            }
        }
        return overrides;
    }
}
