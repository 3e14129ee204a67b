package dev.inceptionclassifier.api;

import dev.inceptionclassifier.api.v2.Datatypes;
import dev.inceptionclassifier.api.v2.InferRequest;
import dev.inceptionclassifier.api.v2.InferRequestReader;
import dev.inceptionclassifier.api.v2.InferResponse;
import dev.inceptionclassifier.api.v2.Metadata;
import dev.inceptionclassifier.api.v2.ProtocolException;
import dev.inceptionclassifier.api.v2.TritonClassification;
import dev.inceptionclassifier.image.ImageRejectedException;
import dev.inceptionclassifier.inference.InferenceResult;
import dev.inceptionclassifier.inference.ServedModel;
import dev.inceptionclassifier.inference.ServedModels;
import dev.inceptionclassifier.inference.TopK;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Open Inference Protocol v2 (KServe v2) over HTTP/REST, with Triton's {@code classification} and
 * {@code binary_tensor_data} extensions, on the same models, batcher and meters as {@code /classify}.
 *
 * <p>Every model has one input of two forms, send exactly one: {@code image}, BYTES {@code [N]} of encoded images
 * (base64 strings in JSON, raw in binary), which go through the same decode and preprocessing as an upload; or
 * {@code input}, FP32 {@code [N, 3, S, S]} already preprocessed as {@code GET /models} describes. Each of the
 * {@code N} images is one item for the batcher. The one output, {@code probabilities}, is FP32 {@code [N, classes]}
 * (softmax), or with {@code "classification": k} BYTES {@code [N, k]} of Triton's {@code "value:index:label"}.
 * Errors are the protocol's {@code {"error": "..."}} ({@link OpenInferenceErrors}).
 */
@RestController
class OpenInferenceController {

    static final String IMAGE_INPUT = "image";
    static final String TENSOR_INPUT = "input";
    static final String OUTPUT = "probabilities";
    static final String VERSION = "1";
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    static final List<String> EXTENSIONS = List.of("classification", "binary_tensor_data");

    private final ClassificationFlow flow;
    private final ServedModels models;
    private final UploadLimits limits;
    private final ObjectProvider<HealthEndpoint> health;
    private final ApplicationAvailability availability;
    private final Metadata.Server server;

    OpenInferenceController(
            ClassificationFlow flow,
            ServedModels models,
            UploadLimits limits,
            ObjectProvider<HealthEndpoint> health,
            ApplicationAvailability availability) {
        this.flow = flow;
        this.models = models;
        this.limits = limits;
        this.health = health;
        this.availability = availability;
        String version = OpenInferenceController.class.getPackage().getImplementationVersion();
        this.server =
                new Metadata.Server("inception-classifier", version != null ? version : "development", EXTENSIONS);
    }

    @GetMapping(path = "/v2", produces = MediaType.APPLICATION_JSON_VALUE)
    Metadata.Server server() {
        return server;
    }

    /** 200 while the process is live, else 400 (the protocol: a 4xx means false; Triton answers 400). */
    @GetMapping("/v2/health/live")
    ResponseEntity<Void> live() {
        return probe(isUp("liveness", availability.getLivenessState() == LivenessState.CORRECT));
    }

    /** 200 when the actuator readiness group is UP: every model loaded and warmed up, not shutting down. */
    @GetMapping("/v2/health/ready")
    ResponseEntity<Void> ready() {
        return probe(serverReady());
    }

    @GetMapping(
            path = {"/v2/models/{name}", "/v2/models/{name}/versions/{version}"},
            produces = MediaType.APPLICATION_JSON_VALUE)
    Metadata.Model metadata(@PathVariable String name, @PathVariable(required = false) String version) {
        ServedModel m = model(name, version);
        ServedModel.Info i = m.info();
        int s = i.preprocess().inputSize();
        return new Metadata.Model(
                m.name(),
                List.of(VERSION),
                platform(i),
                List.of(
                        new Metadata.Tensor(IMAGE_INPUT, Datatypes.BYTES, new long[] {-1}),
                        new Metadata.Tensor(TENSOR_INPUT, Datatypes.FP32, new long[] {-1, 3, s, s})),
                List.of(new Metadata.Tensor(OUTPUT, Datatypes.FP32, new long[] {-1, i.numClasses()})),
                weights(i));
    }

    @GetMapping({"/v2/models/{name}/ready", "/v2/models/{name}/versions/{version}/ready"})
    ResponseEntity<Void> modelReady(@PathVariable String name, @PathVariable(required = false) String version) {
        model(name, version);
        return probe(serverReady());
    }

    @PostMapping({"/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}/infer"})
    CompletableFuture<ResponseEntity<byte[]>> infer(
            @PathVariable String name, @PathVariable(required = false) String version, HttpServletRequest request) {
        ServedModel m = model(name, version);
        Plan plan;
        try {
            if (!m.serves(ClassificationFlow.CLASSIFY)) {
                throw ProtocolException.badRequest("Model '" + m.name() + "' does not classify; it serves "
                        + m.info().tasks() + " (POST /embed for an embedding).");
            }
            String encoding = request.getHeader("Content-Encoding");
            if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
                throw new ProtocolException(
                        415,
                        "Content-Encoding '" + encoding.trim() + "' is not supported; send "
                                + "the request uncompressed.");
            }
            int headerLength = headerLength(request.getHeader(HEADER_LENGTH));
            byte[] body = readBody(request, m);
            InferRequest req = reader(m).read(body, headerLength < 0 ? body.length : headerLength);
            plan = plan(m, req);
        } catch (ProtocolException e) {
            flow.badInput(m);
            throw e;
        }
        flow.admit(m);
        List<float[]> inputs = plan.images != null ? prepare(m, plan.images) : plan.tensors;
        Duration timeout = plan.timeout;
        List<CompletableFuture<InferenceResult<float[]>>> futures = new ArrayList<>(inputs.size());
        for (float[] input : inputs) {
            futures.add(flow.submit(m, input, timeout));
        }
        Answer answer = plan.answer;
        // allOf completes once every item has its result, so each accepted item is answered even when one fails.
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> respond(
                        m, answer, futures.stream().map(CompletableFuture::join).toList()));
    }

    /** What the answer needs from the request; the request itself (and its images) is not kept until then. */
    private record Answer(String id, List<InferRequest.RequestedOutput> outputs, boolean binaryDefault) {}

    private record Plan(List<byte[]> images, List<float[]> tensors, Duration timeout, Answer answer) {}

    private Plan plan(ServedModel m, InferRequest req) {
        if (req.inputs().size() != 1) {
            throw ProtocolException.badRequest("Send exactly one input: '" + IMAGE_INPUT + "' (BYTES [N], encoded "
                    + "images) or '" + TENSOR_INPUT + "' (FP32 [N,3,S,S], preprocessed pixels).");
        }
        InferRequest.Input in = req.inputs().get(0);
        int s = m.info().preprocess().inputSize();
        List<byte[]> images = null;
        List<float[]> tensors = null;
        if (in.name().equals(IMAGE_INPUT)) {
            if (!in.datatype().equals(Datatypes.BYTES) || in.shape().length != 1) {
                throw ProtocolException.badRequest("Input '" + IMAGE_INPUT + "' must be BYTES with shape [N]; got "
                        + in.datatype() + " " + Arrays.toString(in.shape()) + ".");
            }
            checkCount(in.shape()[0]);
            images = in.elements();
        } else if (in.name().equals(TENSOR_INPUT)) {
            long[] expected = {in.shape().length > 0 ? in.shape()[0] : -1, 3, s, s};
            if (!in.datatype().equals(Datatypes.FP32)
                    || in.shape().length != 4
                    || !Arrays.equals(in.shape(), expected)) {
                throw ProtocolException.badRequest("Input '" + TENSOR_INPUT + "' must be FP32 with shape [N,3," + s
                        + "," + s + "] for model '" + m.name() + "'; got " + in.datatype() + " "
                        + Arrays.toString(in.shape()) + ".");
            }
            checkCount(in.shape()[0]);
            int n = (int) in.shape()[0];
            int size = 3 * s * s;
            tensors = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tensors.add(Arrays.copyOfRange(in.floats(), i * size, (i + 1) * size));
            }
        } else {
            throw ProtocolException.badRequest("Unknown input '" + in.name() + "'; model '" + m.name() + "' takes '"
                    + IMAGE_INPUT + "' or '" + TENSOR_INPUT + "'.");
        }
        Set<String> seen = new HashSet<>();
        for (InferRequest.RequestedOutput o : req.outputs()) {
            if (!o.name().equals(OUTPUT)) {
                throw ProtocolException.badRequest(
                        "Unknown output '" + o.name() + "'; model '" + m.name() + "' has output '" + OUTPUT + "'.");
            }
            if (!seen.add(o.name())) {
                throw ProtocolException.badRequest("Output '" + o.name() + "' is requested twice.");
            }
        }
        boolean binaryDefault = req.binaryDataOutput();
        long micros = req.timeoutMicros();
        Duration timeout = micros > 0 ? Duration.of(Math.min(micros, Long.MAX_VALUE / 1000), ChronoUnit.MICROS) : null;
        return new Plan(images, tensors, timeout, new Answer(req.id(), req.outputs(), binaryDefault));
    }

    private void checkCount(long n) {
        if (n < 1 || n > limits.maxImages()) {
            throw ProtocolException.badRequest(
                    "A request carries 1 to " + limits.maxImages() + " images; got " + n + ".");
        }
    }

    /** Decodes and preprocesses every image before any is queued, so a bad one fails the request at no cost. */
    private List<float[]> prepare(ServedModel m, List<byte[]> images) {
        List<float[]> inputs = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            try {
                inputs.add(flow.prepare(m, images.get(i)).input());
            } catch (ImageRejectedException e) {
                throw new ProtocolException(
                        status(e.reason()), "Input '" + IMAGE_INPUT + "' element " + i + ": " + e.getMessage() + ".");
            }
        }
        return inputs;
    }

    private static int status(ImageRejectedException.Reason reason) {
        return switch (reason) {
            case EMPTY, UNDECODABLE -> 400;
            case UNSUPPORTED_FORMAT -> 415;
            case TOO_LARGE -> 413;
            case BUDGET_EXCEEDED -> 422;
        };
    }

    private ResponseEntity<byte[]> respond(ServedModel m, Answer answer, List<InferenceResult<float[]>> results) {
        int n = results.size();
        int classes = m.info().numClasses();
        float[] probabilities = new float[n * classes];
        for (int i = 0; i < n; i++) {
            // the logits come first in the output of a model that also embeds
            double[] p = TopK.softmax(Arrays.copyOf(results.get(i).output(), classes));
            for (int c = 0; c < classes; c++) {
                probabilities[i * classes + c] = (float) p[c];
            }
        }
        List<InferRequest.RequestedOutput> requested = answer.outputs().isEmpty()
                ? List.of(new InferRequest.RequestedOutput(OUTPUT, 0, null))
                : answer.outputs();
        List<InferResponse.Output> outputs = new ArrayList<>(requested.size());
        for (InferRequest.RequestedOutput o : requested) {
            boolean binary = o.binaryData() != null ? o.binaryData() : answer.binaryDefault();
            if (o.classification() == 0) {
                outputs.add(new InferResponse.Output(
                        OUTPUT, Datatypes.FP32, new long[] {n, classes}, probabilities, null, binary));
                continue;
            }
            int k = (int) Math.min(o.classification(), classes);
            List<String> strings = new ArrayList<>(n * k);
            for (int i = 0; i < n; i++) {
                strings.addAll(TritonClassification.topK(probabilities, i * classes, classes, k, m.labels()));
            }
            outputs.add(new InferResponse.Output(OUTPUT, Datatypes.BYTES, new long[] {n, k}, null, strings, binary));
        }
        InferResponse.Encoded encoded =
                new InferResponse(m.name(), VERSION, answer.id(), weights(m.info()), outputs).encode();
        var ok = ResponseEntity.ok();
        if (encoded.hasBinary()) {
            ok.contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .header(HEADER_LENGTH, Integer.toString(encoded.jsonLength()));
        } else {
            ok.contentType(MediaType.APPLICATION_JSON);
        }
        return ok.body(encoded.body());
    }

    /** The weights served, and the random-weights warning, as response parameters. */
    private static Map<String, Object> weights(ServedModel.Info i) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("weights", i.weights());
        p.put("random_weights", i.randomWeights());
        if (i.randomWeights()) {
            p.put("warning", ClassificationFlow.RANDOM_WEIGHTS_WARNING);
        }
        return p;
    }

    private static String platform(ServedModel.Info i) {
        return "torchscript".equals(i.architecture()) ? "pytorch_torchscript" : "pytorch_djl";
    }

    private InferRequestReader reader(ServedModel m) {
        int s = m.info().preprocess().inputSize();
        return new InferRequestReader(new InferRequestReader.Limits(
                limits.maxImages(), limits.maxImageBytes(), (long) limits.maxImages() * 3 * s * s));
    }

    private ServedModel model(String name, String version) {
        ServedModel m = flow.model(name);
        if (version != null && !version.equals(VERSION)) {
            flow.badInput(m);
            throw new BadRequestException(
                    HttpStatus.NOT_FOUND,
                    ProblemTypes.UNKNOWN_MODEL,
                    "Model '" + name + "' has no version '" + version + "'; it serves version " + VERSION + ".");
        }
        return m;
    }

    private static int headerLength(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ProtocolException.badRequest("Unable to parse " + HEADER_LENGTH + ".");
        }
    }

    /** The body, at most {@code max-request-bytes}; memory grows only as bytes actually arrive. */
    private byte[] readBody(HttpServletRequest request, ServedModel m) {
        long max = limits.maxRequestBytes();
        if (request.getContentLengthLong() > max) {
            throw new ProtocolException(413, "The request body exceeds the limit of " + max + " bytes.");
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        } catch (IOException e) {
            flow.badInput(m);
            throw BadRequestException.incompleteUpload(isTimeout(e));
        }
        if (body.length > max) {
            throw new ProtocolException(413, "The request body exceeds the limit of " + max + " bytes.");
        }
        return body;
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private boolean serverReady() {
        return isUp("readiness", availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC);
    }

    /** The actuator health group's status when the health endpoint exists, else the application's own state. */
    private boolean isUp(String group, boolean fallback) {
        HealthEndpoint endpoint = health.getIfAvailable();
        if (endpoint == null) {
            return fallback;
        }
        HealthDescriptor d = endpoint.healthForPath(group);
        return d != null && Status.UP.equals(d.getStatus());
    }

    private static ResponseEntity<Void> probe(boolean ok) {
        return ResponseEntity.status(ok ? HttpStatus.OK : HttpStatus.BAD_REQUEST)
                .build();
    }
}
