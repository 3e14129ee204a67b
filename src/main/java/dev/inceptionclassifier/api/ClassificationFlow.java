package dev.inceptionclassifier.api;

import dev.inceptionclassifier.image.DecodeBusyException;
import dev.inceptionclassifier.image.ImagePipeline;
import dev.inceptionclassifier.image.ImageRejectedException;
import dev.inceptionclassifier.image.PreparedImage;
import dev.inceptionclassifier.inference.DeadlineExceededException;
import dev.inceptionclassifier.inference.InferenceResult;
import dev.inceptionclassifier.inference.InferenceService;
import dev.inceptionclassifier.inference.RejectedException;
import dev.inceptionclassifier.inference.ServedModel;
import dev.inceptionclassifier.inference.ServedModels;
import dev.inceptionclassifier.inference.TopK;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * One classification or embedding: decode and preprocess on the request thread (so a slow upload never holds a
 * worker), within the decode memory budget, then queue for a batch (the same scheduler for both tasks), then top-k
 * or the L2-normalised embedding. Counts every outcome in {@code classifier.requests}.
 *
 * <p>A model's output holds its logits first ({@code numClasses} values) when it classifies, then its embedding
 * when it embeds: a model that serves both returns both in one vector.
 */
@Component
class ClassificationFlow implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ClassificationFlow.class);

    static final String CLASSIFY = "classify";
    static final String EMBED = "embed";

    static final String RANDOM_WEIGHTS_WARNING =
            "This model serves seeded random weights, not a trained checkpoint: its predictions are meaningless.";

    private final ImagePipeline images;
    private final InferenceService inference;
    private final ServedModels models;
    private final PreprocessSpecs preprocessing;
    private final MeterRegistry meters;
    private final Timer decodeTimer;
    /** Meters per model, registered once: the request path only looks them up. */
    private final Map<String, Timer> preprocessTimers = new ConcurrentHashMap<>();

    private final Map<String, Counter> requestCounters = new ConcurrentHashMap<>();

    ClassificationFlow(
            ImagePipeline images,
            InferenceService inference,
            ServedModels models,
            PreprocessSpecs preprocessing,
            MeterRegistry meters) {
        this.images = images;
        this.inference = inference;
        this.models = models;
        this.preprocessing = preprocessing;
        this.meters = meters;
        this.decodeTimer = Timer.builder("classifier.decode")
                .description("Decoding an upload into RGB pixels")
                .publishPercentileHistogram()
                .register(meters);
        for (ServedModel m : models.all()) {
            for (String outcome : List.of("ok", "rejected", "timeout", "bad_input", "error")) {
                requests(m.name(), outcome);
            }
        }
    }

    /**
     * The final counts, logged once the web server and inference have stopped: the server's side of "every accepted
     * request got an answer", to compare with what clients received.
     */
    @Override
    public void destroy() {
        Map<String, Long> counts = new TreeMap<>();
        requestCounters.forEach((key, counter) ->
                counts.merge(key.substring(key.indexOf('\0') + 1), (long) counter.count(), Long::sum));
        log.info("classification requests by outcome since start: {}", counts);
    }

    /** The model for {@code name} (the default when null); a 404 problem when there is none. */
    ServedModel model(String name) {
        return models.find(name).orElseThrow(() -> {
            requests("none", "bad_input").increment();
            return BadRequestException.unknownModel(
                    name, models.all().stream().map(ServedModel::name).toList());
        });
    }

    /** Counts a request refused before it reached the model (bad parameters, no image, too large). */
    void badInput(ServedModel model) {
        requests(model.name(), "bad_input").increment();
    }

    /** A 400 problem (counted) unless {@code model} serves {@code task}. */
    void requireTask(ServedModel model, String task) {
        if (!model.serves(task)) {
            badInput(model);
            throw BadRequestException.unsupportedTask(
                    model.name(), task, model.info().tasks());
        }
    }

    CompletableFuture<ClassifyResponse> classify(ServedModel model, byte[] bytes, int topK, Duration timeout) {
        requireTask(model, CLASSIFY);
        checkTopK(model, topK);
        admit(model);
        return classify(model, prepare(model, bytes), topK, timeout);
    }

    /** Queues an image that {@link #prepare} already turned into model input; top-k of the result. */
    CompletableFuture<ClassifyResponse> classify(ServedModel model, Prepared image, int topK, Duration timeout) {
        return submit(model, image.input(), timeout)
                .thenApply(r ->
                        response(model, r, topK, image.startNanos(), image.decodedNanos(), image.preprocessedNanos()));
    }

    /** The embedding of one upload, L2-normalised; a 400 problem unless {@code model} embeds. */
    CompletableFuture<EmbedResponse> embed(ServedModel model, byte[] bytes, Duration timeout) {
        requireTask(model, EMBED);
        admit(model);
        Prepared image = prepare(model, bytes);
        return submit(model, image.input(), timeout).thenApply(r -> embedResponse(model, r, image));
    }

    /** A 400 problem (counted) unless {@code model} classifies and {@code 1 <= topK <= classes}. */
    void checkTopK(ServedModel model, int topK) {
        requireTask(model, CLASSIFY);
        if (topK < 1 || topK > model.info().numClasses()) {
            badInput(model);
            throw BadRequestException.invalid(
                    "topK must be between 1 and " + model.info().numClasses() + ".");
        }
    }

    /**
     * Refuses work (counted, {@link RejectedException}) when the service is shutting down or the model's queue is
     * full right now, so that no CPU is spent decoding an image that would be refused anyway.
     */
    void admit(ServedModel model) {
        if (!inference.accepting()) {
            requests(model.name(), "rejected").increment();
            throw new RejectedException("the service is shutting down", true);
        }
        if (!inference.hasRoom(model.name())) {
            // Fail fast before decoding: the queue is full now and would refuse the image after the work.
            requests(model.name(), "rejected").increment();
            throw new RejectedException("queue full for model " + model.name(), false);
        }
    }

    /**
     * An upload decoded and preprocessed for {@code model} on the calling thread, under the decode-memory budget,
     * timed in {@code classifier.decode} and {@code classifier.preprocess}. A rejected image is counted as
     * {@code bad_input}, a refusal for lack of decode memory as {@code rejected}, and both are rethrown.
     */
    Prepared prepare(ServedModel model, byte[] bytes) {
        long start = System.nanoTime();
        PreparedImage image;
        try {
            image = images.prepare(bytes, preprocessing.of(model));
        } catch (ImageRejectedException e) {
            badInput(model);
            throw e;
        } catch (DecodeBusyException e) {
            requests(model.name(), "rejected").increment();
            throw e;
        }
        long decoded = start + image.decodeNanos();
        long preprocessed = decoded + image.preprocessNanos();
        decodeTimer.record(image.decodeNanos(), TimeUnit.NANOSECONDS);
        preprocessTimer(model.name()).record(image.preprocessNanos(), TimeUnit.NANOSECONDS);
        return new Prepared(image.input(), start, decoded, preprocessed);
    }

    /**
     * Queues one model input (from {@link #prepare}, or a tensor a client preprocessed itself) for a batch and counts
     * its outcome in {@code classifier.requests}. The future fails as {@link InferenceService#submit} says.
     */
    CompletableFuture<InferenceResult<float[]>> submit(ServedModel model, float[] input, Duration timeout) {
        return inference
                .submit(model.name(), input, timeout)
                .whenComplete((r, e) -> requests(model.name(), outcome(e)).increment());
    }

    /**
     * One image ready for the model.
     *
     * @param input CHW float32 model input
     * @param startNanos when decoding began
     * @param decodedNanos when decoding ended
     * @param preprocessedNanos when preprocessing ended
     */
    record Prepared(float[] input, long startNanos, long decodedNanos, long preprocessedNanos) {}

    private EmbedResponse embedResponse(ServedModel model, InferenceResult<float[]> r, Prepared image) {
        float[] out = r.output();
        // the embedding follows the logits of a model that also classifies
        float[] embedding = l2Normalised(out, model.info().numClasses(), out.length);
        long end = System.nanoTime();
        var timings = new ClassifyResponse.Timings(
                ms(image.decodedNanos() - image.startNanos()),
                ms(image.preprocessedNanos() - image.decodedNanos()),
                ms(r.queueNanos()),
                ms(r.inferenceNanos()),
                ms(end - image.startNanos()));
        boolean random = model.info().randomWeights();
        return new EmbedResponse(
                model.name(),
                model.info().weights(),
                random,
                random ? RANDOM_WEIGHTS_WARNING : null,
                embedding,
                r.batchSize(),
                timings,
                model.info().precision(),
                model.info().execution());
    }

    /**
     * {@code v[from, to)} divided by its L2 norm, as facenet-pytorch's {@code F.normalize} (a norm below 1e-12
     * divides by 1e-12), summed in double.
     */
    static float[] l2Normalised(float[] v, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) v[i] * v[i];
        }
        double norm = Math.max(Math.sqrt(sum), 1e-12);
        float[] out = new float[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = (float) (v[i] / norm);
        }
        return out;
    }

    private ClassifyResponse response(
            ServedModel model, InferenceResult<float[]> r, int topK, long start, long decoded, long preprocessed) {
        List<ClassifyResponse.Prediction> predictions = new ArrayList<>(topK);
        float[] out = r.output();
        float[] logits = out.length == model.info().numClasses()
                ? out
                : Arrays.copyOf(out, model.info().numClasses());
        for (TopK.Scored s : TopK.of(logits, topK)) {
            predictions.add(
                    new ClassifyResponse.Prediction(s.index(), model.labels().get(s.index()), s.probability()));
        }
        long end = System.nanoTime();
        var timings = new ClassifyResponse.Timings(
                ms(decoded - start),
                ms(preprocessed - decoded),
                ms(r.queueNanos()),
                ms(r.inferenceNanos()),
                ms(end - start));
        boolean random = model.info().randomWeights();
        return new ClassifyResponse(
                model.name(),
                model.info().weights(),
                random,
                random ? RANDOM_WEIGHTS_WARNING : null,
                predictions,
                r.batchSize(),
                timings,
                model.info().precision(),
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
        return requestCounters.computeIfAbsent(
                model + '\0' + outcome,
                k -> Counter.builder("classifier.requests")
                        .description("Classification requests by outcome")
                        .tag("model", model)
                        .tag("outcome", outcome)
                        .register(meters));
    }

    private Timer preprocessTimer(String model) {
        return preprocessTimers.computeIfAbsent(
                model,
                m -> Timer.builder("classifier.preprocess")
                        .description("Resize, crop and normalise of one image")
                        .tag("model", m)
                        .publishPercentileHistogram()
                        .register(meters));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
