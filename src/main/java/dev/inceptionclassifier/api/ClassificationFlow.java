package dev.inceptionclassifier.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.inceptionclassifier.image.DecodedImage;
import dev.inceptionclassifier.image.ImagePipeline;
import dev.inceptionclassifier.image.ImageRejectedException;
import dev.inceptionclassifier.inference.DeadlineExceededException;
import dev.inceptionclassifier.inference.InferenceResult;
import dev.inceptionclassifier.inference.InferenceService;
import dev.inceptionclassifier.inference.RejectedException;
import dev.inceptionclassifier.inference.TopK;
import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * One classification: decode and preprocess on the request thread (so a slow upload never holds a worker), then
 * queue for a batch, then top-k. Counts every outcome in {@code classifier.requests}.
 */
@Component
class ClassificationFlow {

    static final String RANDOM_WEIGHTS_WARNING = "This model serves seeded random weights, not a trained checkpoint:"
            + " its predictions are meaningless.";

    private final ImagePipeline images;
    private final InferenceService inference;
    private final ModelRegistry models;
    private final MeterRegistry meters;
    private final Timer decodeTimer;
    /** Meters per model, registered once: the request path only looks them up. */
    private final Map<String, Timer> preprocessTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> requestCounters = new ConcurrentHashMap<>();

    ClassificationFlow(ImagePipeline images, InferenceService inference, ModelRegistry models, MeterRegistry meters) {
        this.images = images;
        this.inference = inference;
        this.models = models;
        this.meters = meters;
        this.decodeTimer = Timer.builder("classifier.decode").description("Decoding an upload into RGB pixels")
                .publishPercentileHistogram().register(meters);
        for (LoadedModel m : models.all()) {
            for (String outcome : List.of("ok", "rejected", "timeout", "bad_input", "error")) {
                requests(m.name(), outcome);
            }
        }
    }

    /** The model for {@code name} (the default when null); a 404 problem when there is none. */
    LoadedModel model(String name) {
        return models.find(name).orElseThrow(() -> {
            requests("none", "bad_input").increment();
            return BadRequestException.unknownModel(name, models.all().stream().map(LoadedModel::name).toList());
        });
    }

    /** Counts a request refused before it reached the model (bad parameters, no image, too large). */
    void badInput(LoadedModel model) {
        requests(model.name(), "bad_input").increment();
    }

    CompletableFuture<ClassifyResponse> classify(LoadedModel model, byte[] bytes, int topK, Duration timeout) {
        long start = System.nanoTime();
        if (topK < 1 || topK > model.info().numClasses()) {
            badInput(model);
            throw BadRequestException.invalid("topK must be between 1 and " + model.info().numClasses() + ".");
        }
        if (!inference.accepting()) {
            requests(model.name(), "rejected").increment();
            throw new RejectedException("the service is shutting down", true);
        }
        if (!inference.hasRoom(model.name())) {
            // Fail fast before decoding: the queue is full now and would refuse the image after the work.
            requests(model.name(), "rejected").increment();
            throw new RejectedException("queue full for model " + model.name(), false);
        }
        DecodedImage image;
        float[] input;
        long decoded;
        try {
            image = images.decode(bytes);
            decoded = System.nanoTime();
            decodeTimer.record(decoded - start, TimeUnit.NANOSECONDS);
            input = images.preprocess(image, model.info().preprocess());
        } catch (ImageRejectedException e) {
            badInput(model);
            throw e;
        }
        long preprocessed = System.nanoTime();
        preprocessTimer(model.name()).record(preprocessed - decoded, TimeUnit.NANOSECONDS);
        return inference.submit(model.name(), input, timeout).whenComplete((r, e) -> requests(model.name(),
                outcome(e)).increment()).thenApply(r -> response(model, r, topK, start, decoded, preprocessed));
    }

    private ClassifyResponse response(LoadedModel model, InferenceResult<float[]> r, int topK, long start,
            long decoded, long preprocessed) {
        List<ClassifyResponse.Prediction> predictions = new ArrayList<>(topK);
        for (TopK.Scored s : TopK.of(r.output(), topK)) {
            predictions.add(new ClassifyResponse.Prediction(s.index(), model.labels().get(s.index()),
                    s.probability()));
        }
        long end = System.nanoTime();
        var timings = new ClassifyResponse.Timings(ms(decoded - start), ms(preprocessed - decoded),
                ms(r.queueNanos()), ms(r.inferenceNanos()), ms(end - start));
        boolean random = model.info().randomWeights();
        return new ClassifyResponse(model.name(), model.info().weights(), random,
                random ? RANDOM_WEIGHTS_WARNING : null, predictions, r.batchSize(), timings, model.info().precision(),
                model.info().execution());
    }

    private static String outcome(Throwable e) {
        if (e == null) {
            return "ok";
        }
        Throwable t = e.getCause() != null && e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
        if (t instanceof RejectedException) {
            return "rejected";
        }
        if (t instanceof DeadlineExceededException) {
            return "timeout";
        }
        return "error";
    }

    private Counter requests(String model, String outcome) {
        return requestCounters.computeIfAbsent(model + '\0' + outcome, k -> Counter.builder("classifier.requests")
                .description("Classification requests by outcome").tag("model", model).tag("outcome", outcome)
                .register(meters));
    }

    private Timer preprocessTimer(String model) {
        return preprocessTimers.computeIfAbsent(model, m -> Timer.builder("classifier.preprocess")
                .description("Resize, crop and normalise of one image").tag("model", m)
                .publishPercentileHistogram().register(meters));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
