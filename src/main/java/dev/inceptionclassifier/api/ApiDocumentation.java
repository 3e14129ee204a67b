package dev.inceptionclassifier.api;

import dev.inceptionclassifier.inference.ServedModel;
import dev.inceptionclassifier.inference.ServedModels;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.Encoding;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 document served at {@code /v3/api-docs} (and by Swagger UI at {@code /swagger-ui.html}), written
 * here rather than inferred from the controllers: the multipart and raw-body variants of {@code /classify}, every
 * parameter's bounds, every problem type per status, and the v2 protocol's binary framing cannot be read off the
 * method signatures. Bounds, model names and the API-key scheme come from the running configuration. Tests hold it
 * to the code: every controller mapping is documented, every documented error is produced and compared, and real
 * responses validate against the documented schemas (which refuse undocumented properties).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    private static final String JSON = org.springframework.http.MediaType.APPLICATION_JSON_VALUE;
    private static final String PROBLEM = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    private static final String OCTETS = org.springframework.http.MediaType.APPLICATION_OCTET_STREAM_VALUE;
    private static final String SCHEMAS = "#/components/schemas/";
    private static final String API_KEY = "apiKey";

    @Bean
    OpenApiCustomizer inceptionClassifierApi(ServedModels models, UploadLimits limits, ApiSettings settings) {
        OpenAPI document = new Writer(models, limits, settings).document();
        return api -> {
            api.info(document.getInfo());
            api.tags(document.getTags());
            api.paths(document.getPaths());
            api.components(document.getComponents());
        };
    }

    /** Builds the document once from the configuration. */
    private static final class Writer {

        private final List<String> modelNames;
        private final String defaultModel;
        private final int maxClasses;
        private final UploadLimits limits;
        private final boolean apiKeys;
        private final int rejectStatus;
        private final long retryAfter;
        private final long requestTimeoutMs;
        private final List<Integer> inputSizes;
        /** Whether some served model does not classify (resp. embed): only then can that 400 happen. */
        private final boolean someDoNotClassify;

        private final boolean someDoNotEmbed;

        Writer(ServedModels models, UploadLimits limits, ApiSettings settings) {
            this.someDoNotClassify = models.all().stream().anyMatch(m -> !m.serves(ClassificationFlow.CLASSIFY));
            this.someDoNotEmbed = models.all().stream().anyMatch(m -> !m.serves(ClassificationFlow.EMBED));
            this.modelNames = models.all().stream().map(ServedModel::name).toList();
            this.defaultModel = models.defaultModel();
            this.maxClasses = Math.max(
                    1,
                    models.all().stream()
                            .mapToInt(m -> m.info().numClasses())
                            .max()
                            .orElse(1));
            this.inputSizes = models.all().stream()
                    .map(m -> m.info().preprocess().inputSize())
                    .distinct()
                    .toList();
            this.limits = limits;
            this.apiKeys = settings.apiKeys().stream().anyMatch(k -> k != null && !k.isEmpty());
            this.rejectStatus = settings.rejectStatus();
            this.retryAfter = Math.max(1, settings.retryAfter().toSeconds());
            this.requestTimeoutMs = settings.serving().requestTimeout().toMillis();
        }

        OpenAPI document() {
            Components components = new Components();
            schemas(components);
            if (apiKeys) {
                components.addSecuritySchemes(
                        API_KEY,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER)
                                .name(ApiKeyFilter.HEADER)
                                .description("One of the keys in "
                                        + "classifier.security.api-keys. Required by every endpoint except the health "
                                        + "probes, the upload page and this documentation."));
            }
            Paths paths = new Paths();
            paths.addPathItem("/classify", new PathItem().post(classify()));
            paths.addPathItem("/embed", new PathItem().post(embed()));
            paths.addPathItem("/models", new PathItem().get(models()));
            paths.addPathItem("/v2", new PathItem().get(serverMetadata()));
            paths.addPathItem(
                    "/v2/health/live",
                    new PathItem()
                            .get(probe(
                                    "v2Live",
                                    "Server live",
                                    "200 while the process is live (the actuator liveness group is UP).")));
            paths.addPathItem(
                    "/v2/health/ready",
                    new PathItem()
                            .get(probe(
                                    "v2Ready",
                                    "Server ready",
                                    "200 once every model is loaded and warmed up and the service is not shutting down (the "
                                            + "actuator readiness group is UP).")));
            for (boolean versioned : new boolean[] {false, true}) {
                String base = "/v2/models/{name}" + (versioned ? "/versions/{version}" : "");
                paths.addPathItem(base, new PathItem().get(modelMetadata(versioned)));
                paths.addPathItem(base + "/ready", new PathItem().get(modelReady(versioned)));
                paths.addPathItem(base + "/infer", new PathItem().post(infer(versioned)));
            }
            String version = ApiDocumentation.class.getPackage().getImplementationVersion();
            return new OpenAPI()
                    .info(new Info()
                            .title("inception-classifier")
                            .version(version != null ? version : "development")
                            .description("""
                            Image classification with the Inception CNN family. Two interfaces on the same models, \
                            batcher and meters: `POST /classify` (uploads, RFC 9457 problem responses) and the Open \
                            Inference Protocol v2 (KServe v2) with Triton's `classification` and \
                            `binary_tensor_data` extensions. A model serving seeded random weights says so in every \
                            response (`randomWeights`, `warning`).

                            Problem `type` URIs are stable; clients may switch on them."""))
                    .tags(List.of(
                            new Tag().name("classify").description("Upload images, get the top classes."),
                            new Tag()
                                    .name("embed")
                                    .description("Upload an image, get its embedding (face embedding models)."),
                            new Tag().name("models").description("What is served."),
                            new Tag()
                                    .name("open-inference-protocol")
                                    .description("KServe v2 / Triton HTTP/REST. "
                                            + "Errors are the protocol's {\"error\": \"...\"} object.")))
                    .paths(paths)
                    .components(components);
        }

        // ---------------------------------------------------------------------------------------------------------
        // Operations

        private Operation classify() {
            Content body = uploadBody(
                    "One part per image, each named `image`: one part answers a ClassifyResponse, 2 to "
                            + limits.maxImages() + " parts a BatchClassifyResponse in part order.",
                    arr(imagePart()).minItems(1).maxItems(limits.maxImages()));
            ApiResponses responses = new ApiResponses()
                    .addApiResponse(
                            "200",
                            new ApiResponse()
                                    .description("""
                    The top classes. One image (raw body, or one `image` part): a ClassifyResponse, exactly as \
                    before batch uploads existed. Several `image` parts: a BatchClassifyResponse whose `results` \
                    follow the part order; each item has the status and the result or problem that image alone \
                    would have got (one bad image does not fail the others). Retry-After is set when an item was \
                    refused for load.""")
                                    .content(new Content()
                                            .addMediaType(
                                                    JSON,
                                                    new MediaType()
                                                            .schema(new JsonSchema()
                                                                    .oneOf(List.of(
                                                                            ref("ClassifyResponse"),
                                                                            ref("BatchClassifyResponse"))))
                                                            .examples(Map.of(
                                                                    "one image",
                                                                    new Example().value(classifyExample()),
                                                                    "several images",
                                                                    new Example().value(batchExample())))))
                                    .addHeaderObject("Retry-After", retryAfterHeader()));
            badRequests(
                    responses,
                    someDoNotClassify,
                    "classify",
                    ProblemTypes.MISSING_IMAGE,
                    BadRequestException.missingImage().getMessage(),
                    ProblemTypes.INVALID_PARAMETER,
                    "topK must be between 1 and " + maxClasses + ".",
                    ProblemTypes.UNDECODABLE_IMAGE,
                    "the image data is corrupt or truncated",
                    ProblemTypes.INCOMPLETE_UPLOAD,
                    BadRequestException.incompleteUpload(false).getMessage());
            uploadProblems(responses);
            Operation op = new Operation()
                    .operationId("classify")
                    .addTagsItem("classify")
                    .summary("Classify one or several images")
                    .description("""
                            Send one image as the raw request body (any content type; the bytes are sniffed), or \
                            as a multipart part named `image`; repeat the part for several images (one answer \
                            item per part, in order). Images are decoded and preprocessed on the request thread, \
                            then queued for a batch.""")
                    .parameters(classifyParameters())
                    .requestBody(new RequestBody().required(true).content(body))
                    .responses(responses);
            return secured(op);
        }

        private List<Parameter> classifyParameters() {
            List<Parameter> params = new ArrayList<>();
            params.add(query(
                    "topK",
                    integer(1, maxClasses)._default(5),
                    "How many classes to return, most probable first; at most the model's class count."));
            params.add(modelParameter());
            params.addAll(timeoutParameters());
            return params;
        }

        /**
         * The 400 problems of an upload endpoint, plus {@code unsupported-task} where a served model lacks
         * {@code task}: the document describes what this deployment can answer.
         */
        private void badRequests(ApiResponses responses, boolean taskMissing, String task, Object... typesAndDetails) {
            List<Object> all = new ArrayList<>(List.of(typesAndDetails));
            if (taskMissing) {
                all.add(ProblemTypes.UNSUPPORTED_TASK);
                all.add(BadRequestException.unsupportedTask(
                                "m", task, List.of(task.equals("embed") ? "classify" : "embed"))
                        .getMessage());
            }
            problems(responses, "400", "Bad request", all.toArray());
        }

        /** The problems every upload endpoint shares after its own 400s: 401, 404 and 408 to 504. */
        private void uploadProblems(ApiResponses responses) {
            unauthorized(responses);
            problems(
                    responses,
                    "404",
                    "Unknown model",
                    ProblemTypes.UNKNOWN_MODEL,
                    "Unknown model 'resnet50'; served models: " + String.join(", ", modelNames) + ".");
            problems(
                    responses,
                    "408",
                    "The body did not arrive within server.tomcat.connection-timeout",
                    ProblemTypes.UPLOAD_TIMEOUT,
                    BadRequestException.incompleteUpload(true).getMessage());
            problems(
                    responses,
                    "413",
                    "An image over classifier.image.max-bytes (or its pixel or side limits), or "
                            + "a multipart body over classifier.image.max-request-bytes",
                    ProblemTypes.IMAGE_TOO_LARGE,
                    BadRequestException.tooLarge(limits.maxImageBytes()).getMessage());
            problems(
                    responses,
                    "415",
                    "Not an image this service decodes",
                    ProblemTypes.UNSUPPORTED_MEDIA_TYPE,
                    "not a supported image; send JPEG, PNG, GIF, BMP or WebP");
            problems(
                    responses,
                    "422",
                    "Decoding would exceed a budget (JPEG scans, metadata, decode time)",
                    ProblemTypes.DECODE_BUDGET_EXCEEDED,
                    "the JPEG has more than 100 scans");
            overload(responses);
            problems(
                    responses,
                    "500",
                    "The batch failed; the service keeps serving",
                    ProblemTypes.INFERENCE_FAILED,
                    "Inference failed for the batch this request ran in.",
                    ProblemTypes.INTERNAL,
                    "An unexpected error occurred.");
            problems(
                    responses,
                    "504",
                    "The deadline passed before a result was ready",
                    ProblemTypes.DEADLINE_EXCEEDED,
                    "The request's deadline passed before a result was ready.");
            responses.addApiResponse(
                    "default",
                    problemResponse(
                            "Any other HTTP error (wrong method, unacceptable Accept...)",
                            List.of(ProblemTypes.HTTP),
                            null,
                            List.of("Method Not Allowed")));
        }

        private Content uploadBody(String multipartDescription, Schema<Object> imageParts) {
            Schema<Object> form = obj(Map.of("image", imageParts.description(multipartDescription)), List.of("image"));
            return new Content()
                    .addMediaType(
                            org.springframework.http.MediaType.MULTIPART_FORM_DATA_VALUE,
                            new MediaType()
                                    .schema(form)
                                    .addEncoding("image", new Encoding().contentType("image/*, " + OCTETS)))
                    .addMediaType(
                            "image/*",
                            new MediaType()
                                    .schema(str().contentMediaType(OCTETS)
                                            .format("binary")
                                            .description("The raw image bytes, at most " + limits.maxImageBytes()
                                                    + " bytes; the "
                                                    + "declared type is not trusted, the bytes are sniffed.")))
                    .addMediaType(
                            OCTETS,
                            new MediaType()
                                    .schema(str().contentMediaType(OCTETS).format("binary")));
        }

        private Schema<Object> imagePart() {
            return str().contentMediaType(OCTETS)
                    .format("binary")
                    .description("An encoded image (JPEG, PNG, GIF, BMP or WebP, sniffed from the bytes), at most "
                            + limits.maxImageBytes() + " bytes.");
        }

        private Parameter modelParameter() {
            return query(
                    "model",
                    str()._enum(new ArrayList<>(modelNames))._default(defaultModel),
                    "The model to use; default: the first configured one.");
        }

        private List<Parameter> timeoutParameters() {
            return List.of(
                    query(
                            "timeout",
                            str().pattern(TIMEOUT_PATTERN).examples(List.of("500ms", "2s", "PT2S", "1500")),
                            "The request's deadline, counted from acceptance: 500ms, 2s, ISO-8601 PT2S or plain "
                                    + "milliseconds; capped at classifier.inference.request-timeout ("
                                    + requestTimeoutMs + " ms)."),
                    new Parameter()
                            .in("header")
                            .name("Request-Timeout")
                            .schema(str().pattern(TIMEOUT_PATTERN))
                            .description("Same as `timeout`; the query parameter wins."));
        }

        private Operation embed() {
            ApiResponses responses = new ApiResponses()
                    .addApiResponse(
                            "200",
                            new ApiResponse()
                                    .description("The image's embedding, L2-normalised.")
                                    .content(new Content()
                                            .addMediaType(
                                                    JSON,
                                                    new MediaType()
                                                            .schema(ref("EmbedResponse"))
                                                            .example(embedExample()))));
            badRequests(
                    responses,
                    someDoNotEmbed,
                    "embed",
                    ProblemTypes.MISSING_IMAGE,
                    BadRequestException.missingImage().getMessage(),
                    ProblemTypes.INVALID_PARAMETER,
                    "/embed takes one image per request; got 2.",
                    ProblemTypes.UNDECODABLE_IMAGE,
                    "the image data is corrupt or truncated",
                    ProblemTypes.INCOMPLETE_UPLOAD,
                    BadRequestException.incompleteUpload(false).getMessage());
            uploadProblems(responses);
            List<Parameter> params = new ArrayList<>();
            params.add(modelParameter());
            params.addAll(timeoutParameters());
            Operation op = new Operation()
                    .operationId("embed")
                    .addTagsItem("embed")
                    .summary("Embed one image")
                    .description("""
                            Send one image as the raw request body (any content type; the bytes are sniffed), or \
                            as one multipart part named `image`, to a model whose `task` (GET /models) includes \
                            `embed`. The same decoding, preprocessing, batching and deadlines as /classify.""")
                    .parameters(params)
                    .requestBody(new RequestBody()
                            .required(true)
                            .content(uploadBody(
                                    "One image.", arr(imagePart()).minItems(1).maxItems(1))))
                    .responses(responses);
            return secured(op);
        }

        private Operation models() {
            Operation op = new Operation()
                    .operationId("models")
                    .addTagsItem("models")
                    .summary("The served models")
                    .description("Every model with its weights, classes, input size and preprocessing, and the "
                            + "batching settings. Never throttled.")
                    .responses(new ApiResponses()
                            .addApiResponse(
                                    "200",
                                    new ApiResponse()
                                            .description("What is served.")
                                            .content(json(ref("ModelsResponse"))))
                            .addApiResponse(
                                    "default",
                                    problemResponse(
                                            "Any other HTTP error",
                                            List.of(ProblemTypes.HTTP),
                                            null,
                                            List.of("Method Not Allowed"))));
            ApiResponses responses = op.getResponses();
            unauthorized(responses);
            return secured(op);
        }

        private Operation serverMetadata() {
            Operation op = v2(
                            "v2ServerMetadata",
                            "Server metadata",
                            "The server's name, version and protocol extensions.")
                    .responses(new ApiResponses()
                            .addApiResponse(
                                    "200",
                                    new ApiResponse()
                                            .description("Server metadata.")
                                            .content(json(ref("V2ServerMetadata")))));
            return securedV2(op);
        }

        private Operation probe(String id, String summary, String description) {
            return v2(
                            id,
                            summary,
                            description + " The protocol's health answer: the status is the result, the "
                                    + "body is empty.")
                    .responses(new ApiResponses()
                            .addApiResponse("200", new ApiResponse().description("True."))
                            .addApiResponse(
                                    "400",
                                    new ApiResponse()
                                            .description("False (the protocol: a 4xx status; Triton answers 400).")));
        }

        private Operation modelMetadata(boolean versioned) {
            Operation op = v2(
                            "v2ModelMetadata" + (versioned ? "Version" : ""),
                            "Model metadata",
                            "The model's inputs and "
                                    + "outputs. Send exactly one of the two inputs: `image` (encoded images) or `input` "
                                    + "(preprocessed pixels, as GET /models describes the preprocessing).")
                    .parameters(modelPath(versioned))
                    .responses(new ApiResponses()
                            .addApiResponse(
                                    "200",
                                    new ApiResponse()
                                            .description("Model metadata.")
                                            .content(json(ref("V2ModelMetadata"))))
                            .addApiResponse("404", v2Error("Unknown model or version.")));
            return securedV2(op);
        }

        private Operation modelReady(boolean versioned) {
            Operation op = v2(
                            "v2ModelReady" + (versioned ? "Version" : ""),
                            "Model ready",
                            "200 when the model is served and the server is ready; the body is empty.")
                    .parameters(modelPath(versioned))
                    .responses(new ApiResponses()
                            .addApiResponse("200", new ApiResponse().description("Ready."))
                            .addApiResponse("400", new ApiResponse().description("Not ready."))
                            .addApiResponse("404", v2Error("Unknown model or version.")));
            return securedV2(op);
        }

        private Operation infer(boolean versioned) {
            List<Parameter> params = new ArrayList<>(modelPath(versioned));
            params.add(new Parameter()
                    .in("header")
                    .name(OpenInferenceController.HEADER_LENGTH)
                    .schema(integer(0, Integer.MAX_VALUE))
                    .description("Triton's binary tensor data extension: the length of the JSON "
                            + "request at the start of the body; the rest is binary tensor data."));
            ApiResponses responses = new ApiResponses()
                    .addApiResponse(
                            "200",
                            new ApiResponse()
                                    .description("""
                    The outputs. JSON, unless an output is sent as binary (`"binary_data": true` on it, or \
                    `"binary_data_output": true` in the request parameters): then the body is \
                    application/octet-stream, the JSON response (whose first Inference-Header-Content-Length bytes \
                    they are) followed by the binary outputs in output order, each sized by its \
                    `binary_data_size` parameter.""")
                                    .content(new Content()
                                            .addMediaType(
                                                    JSON,
                                                    new MediaType()
                                                            .schema(ref("V2InferenceResponse"))
                                                            .examples(Map.of(
                                                                    "probabilities",
                                                                    new Example().value(inferExample(false)),
                                                                    "classification",
                                                                    new Example().value(inferExample(true)))))
                                            .addMediaType(
                                                    OCTETS,
                                                    new MediaType()
                                                            .schema(str().contentMediaType(OCTETS)
                                                                    .format("binary")
                                                                    .description(
                                                                            "JSON response, then binary outputs."))))
                                    .addHeaderObject(
                                            OpenInferenceController.HEADER_LENGTH,
                                            new Header()
                                                    .schema(integer(0, Integer.MAX_VALUE))
                                                    .description("Length of the JSON response at the start of a binary "
                                                            + "body.")));
            responses.addApiResponse(
                    "400",
                    v2Error("A model that does not classify, malformed JSON, an unknown "
                            + "input or output, a wrong datatype "
                            + "or shape, more than " + limits.maxImages() + " images, bad base64 or binary framing, an "
                            + "image that cannot be decoded, or a body that ended early."));
            if (apiKeys) {
                unauthorized(responses);
            }
            responses.addApiResponse("404", v2Error("Unknown model or version."));
            responses.addApiResponse(
                    "408", v2Error("The body did not arrive within server.tomcat.connection-timeout."));
            responses.addApiResponse(
                    "413",
                    v2Error("A body over classifier.image.max-request-bytes (" + limits.maxRequestBytes()
                            + "), or an image over its limits."));
            responses.addApiResponse(
                    "415",
                    v2Error("An element that is not a supported image, or a "
                            + "Content-Encoding other than identity."));
            responses.addApiResponse("422", v2Error("An image whose decoding would exceed a budget."));
            String overloaded = "The model's queue is full (Retry-After says when to retry).";
            if (rejectStatus == 429) {
                responses.addApiResponse("429", v2Error(overloaded).addHeaderObject("Retry-After", retryAfterHeader()));
                overloaded = "";
            }
            responses.addApiResponse(
                    "503",
                    v2Error((overloaded + " Shutting down, or the model ran out of memory for the batch.").trim())
                            .addHeaderObject("Retry-After", retryAfterHeader()));
            responses.addApiResponse("500", v2Error("The batch failed; the service keeps serving."));
            responses.addApiResponse(
                    "504",
                    v2Error("The deadline (the `timeout` parameter, in microseconds, "
                            + "capped at classifier.inference.request-timeout) passed before a result was ready."));
            Content body = new Content()
                    .addMediaType(
                            JSON,
                            new MediaType()
                                    .schema(ref("V2InferenceRequest"))
                                    .examples(Map.of(
                                            "encoded image, top 3",
                                            new Example()
                                                    .value(Map.of(
                                                            "id",
                                                            "42",
                                                            "inputs",
                                                            List.of(Map.of(
                                                                    "name",
                                                                    "image",
                                                                    "datatype",
                                                                    "BYTES",
                                                                    "shape",
                                                                    List.of(1),
                                                                    "data",
                                                                    List.of("/9j/4AAQSkZJRgABAQAAAQABAAD..."))),
                                                            "outputs",
                                                            List.of(Map.of(
                                                                    "name",
                                                                    OpenInferenceController.OUTPUT,
                                                                    "parameters",
                                                                    Map.of("classification", 3))))))))
                    .addMediaType(
                            OCTETS,
                            new MediaType()
                                    .schema(
                                            str().contentMediaType(OCTETS)
                                                    .format("binary")
                                                    .description(
                                                            "Triton's binary tensor data extension: the JSON request (its length in "
                                                                    + "Inference-Header-Content-Length), then the binary data of each input "
                                                                    + "that has a `binary_data_size` parameter, in input order. BYTES elements are "
                                                                    + "a 4-byte little-endian length and the bytes; FP32 is little-endian.")));
            Operation op = v2("v2Infer" + (versioned ? "Version" : ""), "Inference", """
                    Classify N images (1 to %d), each one item for the same batcher as /classify. Input `image`: \
                    BYTES [N] of encoded images, base64 strings in JSON. Input `input`: FP32 [N,3,S,S] already \
                    preprocessed (S is the model's input size: %s). Output `probabilities`: FP32 [N, classes] \
                    (softmax); with `"parameters": {"classification": k}` BYTES [N, k] of \
                    "<probability>:<index>:<label>", probability printed as C's %%f, as Triton does. The whole \
                    body is at most %d bytes.""".formatted(
                                    limits.maxImages(), inputSizes, limits.maxRequestBytes()))
                    .parameters(params)
                    .requestBody(new RequestBody().required(true).content(body))
                    .responses(responses);
            return secured(op);
        }

        private Operation v2(String id, String summary, String description) {
            return new Operation()
                    .operationId(id)
                    .addTagsItem("open-inference-protocol")
                    .summary(summary)
                    .description(description);
        }

        private List<Parameter> modelPath(boolean versioned) {
            List<Parameter> p = new ArrayList<>();
            p.add(new Parameter()
                    .in("path")
                    .name("name")
                    .required(true)
                    .schema(str()._enum(new ArrayList<>(modelNames)))
                    .description("The model."));
            if (versioned) {
                p.add(new Parameter()
                        .in("path")
                        .name("version")
                        .required(true)
                        .schema(str()._enum(List.of(OpenInferenceController.VERSION)))
                        .description("Each model has version " + OpenInferenceController.VERSION + "."));
            }
            return p;
        }

        /** A v2 read endpoint: needs the key like everything else; the 401 is the filter's problem+json. */
        private Operation securedV2(Operation op) {
            unauthorized(op.getResponses());
            return secured(op);
        }

        private Operation secured(Operation op) {
            return apiKeys ? op.addSecurityItem(new SecurityRequirement().addList(API_KEY)) : op;
        }

        // ---------------------------------------------------------------------------------------------------------
        // Responses

        private void unauthorized(ApiResponses responses) {
            if (apiKeys) {
                problems(
                        responses,
                        "401",
                        "No valid X-API-Key header",
                        ProblemTypes.UNAUTHORIZED,
                        "A valid X-API-Key header is required.");
                responses
                        .get("401")
                        .addHeaderObject(
                                "WWW-Authenticate",
                                new Header().schema(str()._const("ApiKey header=\"" + ApiKeyFilter.HEADER + "\"")));
            }
        }

        private void overload(ApiResponses responses) {
            String overloaded = "The model's queue is full; retry after Retry-After seconds";
            if (rejectStatus == 429) {
                problems(
                        responses,
                        "429",
                        overloaded,
                        ProblemTypes.OVERLOADED,
                        "The queue for this model is full; retry later.");
                responses.get("429").addHeaderObject("Retry-After", retryAfterHeader());
                problems(
                        responses,
                        "503",
                        "Shutting down, or out of memory for the batch",
                        ProblemTypes.SHUTTING_DOWN,
                        "The service is shutting down; retry on another instance.",
                        ProblemTypes.RESOURCE_EXHAUSTED,
                        "The model ran out of memory for this batch; retry later.");
            } else {
                problems(
                        responses,
                        "503",
                        overloaded + ", the service is shutting down, or the model ran out of "
                                + "memory for the batch",
                        ProblemTypes.OVERLOADED,
                        "The queue for this model is full; retry later.",
                        ProblemTypes.SHUTTING_DOWN,
                        "The service is shutting down; retry on another instance.",
                        ProblemTypes.RESOURCE_EXHAUSTED,
                        "The model ran out of memory for this batch; retry later.");
            }
            responses.get("503").addHeaderObject("Retry-After", retryAfterHeader());
        }

        private Header retryAfterHeader() {
            return new Header()
                    .schema(integer(1, Integer.MAX_VALUE).examples(List.of(retryAfter)))
                    .description("Seconds to wait before retrying (classifier.inference.retry-after).");
        }

        /** A problem+json response whose {@code type} is one of the given URIs, each with an example detail. */
        private void problems(ApiResponses responses, String status, String description, Object... typesAndDetails) {
            List<URI> types = new ArrayList<>();
            List<String> details = new ArrayList<>();
            for (int i = 0; i < typesAndDetails.length; i += 2) {
                types.add((URI) typesAndDetails[i]);
                details.add((String) typesAndDetails[i + 1]);
            }
            responses.addApiResponse(status, problemResponse(description, types, Integer.valueOf(status), details));
        }

        private ApiResponse problemResponse(String description, List<URI> types, Integer status, List<String> details) {
            JsonSchema typed = new JsonSchema();
            typed.types(Set.of("object"));
            Schema<Object> type = str().format("uri")
                    ._enum(new ArrayList<>(types.stream().map(URI::toString).toList()));
            typed.addProperty("type", type);
            if (status != null) {
                typed.addProperty("status", new JsonSchema()._const(status));
            }
            Map<String, Example> examples = new LinkedHashMap<>();
            for (int i = 0; i < types.size(); i++) {
                int code = status != null ? status : 405;
                Map<String, Object> ex = new LinkedHashMap<>();
                ex.put("type", types.get(i).toString());
                ex.put(
                        "title",
                        org.springframework.http.HttpStatus.valueOf(code).getReasonPhrase());
                ex.put("status", code);
                ex.put("detail", details.get(i));
                ex.put("instance", "/classify");
                String slug =
                        types.get(i).getPath().substring(types.get(i).getPath().lastIndexOf('/') + 1);
                examples.put(slug, new Example().value(ex));
            }
            return new ApiResponse()
                    .description(description + ". Problem types: "
                            + String.join(
                                    ", ", types.stream().map(URI::toString).toList()) + ".")
                    .content(new Content()
                            .addMediaType(
                                    PROBLEM,
                                    new MediaType()
                                            .schema(new JsonSchema().allOf(List.of(ref("Problem"), typed)))
                                            .examples(examples)));
        }

        private static ApiResponse v2Error(String description) {
            return new ApiResponse()
                    .description(description)
                    .content(new Content()
                            .addMediaType(
                                    JSON,
                                    new MediaType().schema(ref("V2Error")).example(Map.of("error", description))));
        }

        private static Schema<Object> precision() {
            return str()._enum(List.of("fp32", "bf16", "fp16"))
                    .description("What the network computes in; inputs and outputs are float32.");
        }

        private static Schema<Object> execution() {
            return str()._enum(List.of("compiled", "eager", "torchscript"))
                    .description("compiled: the project's "
                            + "TorchScript program; eager: DJL blocks op by op; torchscript: a user's .pt file.");
        }

        private static Content json(Schema<Object> schema) {
            return new Content().addMediaType(JSON, new MediaType().schema(schema));
        }

        // ---------------------------------------------------------------------------------------------------------
        // Schemas

        private void schemas(Components c) {
            c.addSchemas(
                    "Problem",
                    obj(
                                    props(
                                            "type",
                                            str().format("uri")
                                                    .description(
                                                            "Stable problem type; "
                                                                    + "one of https://inception-classifier.dev/problems/{slug}."),
                                            "title",
                                            str().description("The status's reason phrase."),
                                            "status",
                                            integer(400, 599),
                                            "detail",
                                            str().description("What went wrong, for people."),
                                            "instance",
                                            str().format("uri-reference").description("The request path.")),
                                    List.of("type", "title", "status"))
                            .description("RFC 9457 problem details (application/problem+json)."));
            c.addSchemas(
                    "Prediction",
                    closed(
                            props(
                                    "index",
                                    integer(0, maxClasses - 1).description("Class index."),
                                    "label",
                                    str().description("Its label."),
                                    "probability",
                                    number(0, 1).description("Softmax probability over all classes.")),
                            List.of("index", "label", "probability")));
            Schema<Object> ms = number(0, null).description("Milliseconds.");
            c.addSchemas(
                    "Timings",
                    closed(
                                    props(
                                            "decodeMs",
                                            ms,
                                            "preprocessMs",
                                            ms,
                                            "queueMs",
                                            ms,
                                            "inferenceMs",
                                            ms,
                                            "totalMs",
                                            ms),
                                    List.of("decodeMs", "preprocessMs", "queueMs", "inferenceMs", "totalMs"))
                            .description("Where the time went, in milliseconds."));
            c.addSchemas(
                    "ClassifyResponse",
                    closed(
                            props(
                                    "model",
                                    str()._enum(new ArrayList<>(modelNames)).description("The model that answered."),
                                    "weights",
                                    str().description("The weights served, e.g. hf-hub:timm/inception_v4.tf_in1k@main "
                                            + "or random(seed=42)."),
                                    "randomWeights",
                                    bool().description("True for untrained random weights: the predictions are "
                                            + "meaningless."),
                                    "warning",
                                    str().description("Present when the predictions are meaningless."),
                                    "predictions",
                                    arr(ref("Prediction"))
                                            .minItems(1)
                                            .maxItems(maxClasses)
                                            .description("The top-k classes, most probable first."),
                                    "batchSize",
                                    integer(1, null).description("Size of the batch the image ran in."),
                                    "timings",
                                    ref("Timings"),
                                    "precision",
                                    precision(),
                                    "execution",
                                    execution()),
                            List.of(
                                    "model",
                                    "weights",
                                    "randomWeights",
                                    "predictions",
                                    "batchSize",
                                    "timings",
                                    "precision",
                                    "execution")));
            c.addSchemas(
                    "EmbedResponse",
                    closed(
                            props(
                                    "model",
                                    str()._enum(new ArrayList<>(modelNames)).description("The model that answered."),
                                    "weights",
                                    str().description("The weights served."),
                                    "randomWeights",
                                    bool().description("True for untrained random weights: the embedding is "
                                            + "meaningless."),
                                    "warning",
                                    str().description("Present when the embedding is meaningless."),
                                    "embedding",
                                    arr(number(-1, 1))
                                            .minItems(1)
                                            .description("The network's embedding, "
                                                    + "L2-normalised (512 values for Inception-ResNet-v1)."),
                                    "batchSize",
                                    integer(1, null).description("Size of the batch the image ran in."),
                                    "timings",
                                    ref("Timings"),
                                    "precision",
                                    precision(),
                                    "execution",
                                    execution()),
                            List.of(
                                    "model",
                                    "weights",
                                    "randomWeights",
                                    "embedding",
                                    "batchSize",
                                    "timings",
                                    "precision",
                                    "execution")));
            c.addSchemas(
                    "BatchItem",
                    closed(
                                    props(
                                            "index",
                                            integer(0, limits.maxImages() - 1)
                                                    .description("Position of the image among the `image` parts."),
                                            "status",
                                            integer(200, 599)
                                                    .description("The status this image alone would have got."),
                                            "result",
                                            ref("ClassifyResponse"),
                                            "problem",
                                            ref("Problem")),
                                    List.of("index", "status"))
                            .description("`result` when `status` is 200, else `problem`."));
            c.addSchemas(
                    "BatchClassifyResponse",
                    closed(
                            props(
                                    "model",
                                    str()._enum(new ArrayList<>(modelNames)),
                                    "weights",
                                    str(),
                                    "randomWeights",
                                    bool(),
                                    "warning",
                                    str(),
                                    "results",
                                    arr(ref("BatchItem"))
                                            .minItems(2)
                                            .maxItems(limits.maxImages())
                                            .description("One item per `image` part, in request order.")),
                            List.of("model", "weights", "randomWeights", "results")));
            c.addSchemas(
                    "ModelsResponse",
                    closed(
                            props(
                                    "defaultModel",
                                    str()._enum(new ArrayList<>(modelNames)),
                                    "models",
                                    arr(ref("Model")),
                                    "inference",
                                    ref("InferenceSettings")),
                            List.of("defaultModel", "models", "inference")));
            c.addSchemas(
                    "Model",
                    closed(
                            props(
                                    "name",
                                    str(),
                                    "architecture",
                                    str().description("timm architecture or torchscript."),
                                    "task",
                                    arr(str()._enum(List.of("classify", "embed")))
                                            .minItems(1)
                                            .maxItems(2)
                                            .description(
                                                    "What it serves: classify (POST /classify, the v2 protocol), embed "
                                                            + "(POST /embed), or both."),
                                    "weights",
                                    str(),
                                    "randomWeights",
                                    bool(),
                                    "warning",
                                    str(),
                                    "numClasses",
                                    integer(0, null).description("Classes; 0 for a model that only embeds."),
                                    "labels",
                                    str().description("Where the labels come from."),
                                    "inputSize",
                                    integer(1, null).description("Network input side in pixels."),
                                    "preprocessing",
                                    ref("Preprocessing"),
                                    "batchNormFolded",
                                    bool(),
                                    "devices",
                                    arr(str()),
                                    "precision",
                                    precision(),
                                    "execution",
                                    execution()),
                            List.of(
                                    "name",
                                    "architecture",
                                    "task",
                                    "weights",
                                    "randomWeights",
                                    "numClasses",
                                    "labels",
                                    "inputSize",
                                    "preprocessing",
                                    "batchNormFolded",
                                    "devices",
                                    "precision",
                                    "execution")));
            Schema<Object> three = arr(number(null, null)).minItems(3).maxItems(3);
            c.addSchemas(
                    "Preprocessing",
                    closed(
                            props(
                                    "preset",
                                    str()._enum(List.of("timm", "torchvision", "cadene", "facenet"))
                                            .description("The published eval transform it starts from."),
                                    "source",
                                    str().description(
                                                    "Where the checkpoint's side comes from: config.json, or the architecture "
                                                            + "default."),
                                    "resizeMode",
                                    str()._enum(List.of("crop", "squash")),
                                    "resizeTo",
                                    integer(1, null)
                                            .types(new LinkedHashSet<>(List.of("integer", "null")))
                                            .description("Shorter side after resize (crop mode); null in squash mode."),
                                    "cropPct",
                                    number(0, 1),
                                    "interpolation",
                                    str()._enum(List.of("bicubic", "bilinear"))
                                            .description("Pillow's filter, antialiased."),
                                    "channelOrder",
                                    str()._enum(List.of("RGB", "BGR"))
                                            .description("Order of the planes fed to the network."),
                                    "valueRange",
                                    integer(1, 255)
                                            ._enum(List.of(1, 255))
                                            .description("1: pixels scaled to [0, 1] before mean and std; "
                                                    + "255: kept in [0, 255]."),
                                    "mean",
                                    three,
                                    "std",
                                    three),
                            List.of(
                                    "preset",
                                    "source",
                                    "resizeMode",
                                    "cropPct",
                                    "interpolation",
                                    "channelOrder",
                                    "valueRange",
                                    "mean",
                                    "std")));
            c.addSchemas(
                    "InferenceSettings",
                    closed(
                            props(
                                    "device",
                                    str(),
                                    "workersPerDevice",
                                    integer(1, null),
                                    "maxBatchSize",
                                    integer(1, null),
                                    "maxBatchDelayMs",
                                    number(0, null),
                                    "queueCapacity",
                                    integer(1, null),
                                    "requestTimeoutMs",
                                    integer(1, null),
                                    "precision",
                                    precision(),
                                    "execution",
                                    str()._enum(List.of("compiled", "eager"))),
                            List.of(
                                    "device",
                                    "workersPerDevice",
                                    "maxBatchSize",
                                    "maxBatchDelayMs",
                                    "queueCapacity",
                                    "requestTimeoutMs",
                                    "precision",
                                    "execution")));

            Schema<Object> parameters = new JsonSchema()
                    .types(Set.of("object"))
                    .additionalProperties(
                            new JsonSchema().types(new LinkedHashSet<>(List.of("string", "number", "boolean"))))
                    .description("Name/value pairs; values are strings, numbers or booleans.");
            c.addSchemas("V2Parameters", parameters);
            Schema<Object> shape = arr(integer(-1, null)).maxItems(8);
            c.addSchemas(
                    "V2ServerMetadata",
                    closed(
                            props("name", str(), "version", str(), "extensions", arr(str())),
                            List.of("name", "version", "extensions")));
            c.addSchemas(
                    "V2TensorMetadata",
                    closed(
                            props("name", str(), "datatype", str(), "shape", shape),
                            List.of("name", "datatype", "shape")));
            c.addSchemas(
                    "V2ModelMetadata",
                    closed(
                            props(
                                    "name",
                                    str(),
                                    "versions",
                                    arr(str()),
                                    "platform",
                                    str(),
                                    "inputs",
                                    arr(ref("V2TensorMetadata")),
                                    "outputs",
                                    arr(ref("V2TensorMetadata")),
                                    "parameters",
                                    ref("V2Parameters")),
                            List.of("name", "platform", "inputs", "outputs")));
            c.addSchemas(
                    "V2RequestInput",
                    obj(
                            props(
                                    "name",
                                    str()._enum(List.of(
                                            OpenInferenceController.IMAGE_INPUT, OpenInferenceController.TENSOR_INPUT)),
                                    "shape",
                                    shape.description("[N] for image, [N,3,S,S] for input; N from 1 to "
                                            + limits.maxImages() + "."),
                                    "datatype",
                                    str()._enum(List.of("BYTES", "FP32")),
                                    "parameters",
                                    ref("V2Parameters")
                                            .description("binary_data_size: the input's bytes after the JSON."),
                                    "data",
                                    arr(new JsonSchema())
                                            .description("Row-major, flat or nested: base64 strings (BYTES) or "
                                                    + "numbers (FP32).")),
                            List.of("name", "shape", "datatype")));
            c.addSchemas(
                    "V2RequestOutput",
                    obj(
                            props(
                                    "name",
                                    str()._enum(List.of(OpenInferenceController.OUTPUT)),
                                    "parameters",
                                    ref("V2Parameters")
                                            .description("classification: k (top-k strings); "
                                                    + "binary_data: true (binary output).")),
                            List.of("name")));
            c.addSchemas(
                    "V2InferenceRequest",
                    obj(
                            props(
                                    "id",
                                    str().maxLength(1024),
                                    "parameters",
                                    ref("V2Parameters")
                                            .description("binary_data_output (boolean), timeout (microseconds)."),
                                    "inputs",
                                    arr(ref("V2RequestInput")).minItems(1).maxItems(1),
                                    "outputs",
                                    arr(ref("V2RequestOutput")).maxItems(1)),
                            List.of("inputs")));
            c.addSchemas(
                    "V2ResponseOutput",
                    closed(
                            props(
                                    "name",
                                    str(),
                                    "datatype",
                                    str()._enum(List.of("BYTES", "FP32")),
                                    "shape",
                                    shape,
                                    "parameters",
                                    ref("V2Parameters"),
                                    "data",
                                    arr(new JsonSchema().types(new LinkedHashSet<>(List.of("number", "string"))))),
                            List.of("name", "datatype", "shape")));
            c.addSchemas(
                    "V2InferenceResponse",
                    closed(
                            props(
                                    "model_name",
                                    str(),
                                    "model_version",
                                    str(),
                                    "id",
                                    str(),
                                    "parameters",
                                    ref("V2Parameters")
                                            .description("weights, random_weights and, for random weights, warning."),
                                    "outputs",
                                    arr(ref("V2ResponseOutput"))),
                            List.of("model_name", "outputs")));
            c.addSchemas("V2Error", closed(props("error", str()), List.of("error")));
        }

        // ---------------------------------------------------------------------------------------------------------
        // Examples

        private Map<String, Object> classifyExample() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", defaultModel);
            r.put("weights", "random(seed=42)");
            r.put("randomWeights", true);
            r.put("warning", ClassificationFlow.RANDOM_WEIGHTS_WARNING);
            r.put(
                    "predictions",
                    List.of(
                            Map.of("index", 9, "label", "ostrich", "probability", 0.0042),
                            Map.of("index", 135, "label", "limpkin", "probability", 0.0031)));
            r.put("batchSize", 1);
            r.put(
                    "timings",
                    Map.of(
                            "decodeMs",
                            3.1,
                            "preprocessMs",
                            4.2,
                            "queueMs",
                            0.4,
                            "inferenceMs",
                            181.0,
                            "totalMs",
                            189.5));
            r.put("precision", "fp32");
            r.put("execution", "compiled");
            return r;
        }

        private Map<String, Object> embedExample() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", "facenet");
            r.put("weights", "/models/20180402-114759-vggface2.pt");
            r.put("randomWeights", false);
            r.put("embedding", List.of(0.0412, -0.0137, 0.0815));
            r.put("batchSize", 1);
            r.put(
                    "timings",
                    Map.of("decodeMs", 1.2, "preprocessMs", 0.9, "queueMs", 0.3, "inferenceMs", 24.0, "totalMs", 26.6));
            r.put("precision", "fp32");
            r.put("execution", "compiled");
            return r;
        }

        private Map<String, Object> batchExample() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", defaultModel);
            r.put("weights", "random(seed=42)");
            r.put("randomWeights", true);
            r.put("warning", ClassificationFlow.RANDOM_WEIGHTS_WARNING);
            r.put(
                    "results",
                    List.of(
                            Map.of("index", 0, "status", 200, "result", classifyExample()),
                            Map.of(
                                    "index",
                                    1,
                                    "status",
                                    415,
                                    "problem",
                                    Map.of(
                                            "type",
                                            ProblemTypes.UNSUPPORTED_MEDIA_TYPE.toString(),
                                            "title",
                                            "Unsupported Media Type",
                                            "status",
                                            415,
                                            "detail",
                                            "not a supported image; send JPEG, PNG, GIF, BMP or WebP"))));
            return r;
        }

        private Map<String, Object> inferExample(boolean classification) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", OpenInferenceController.OUTPUT);
            out.put("datatype", classification ? "BYTES" : "FP32");
            out.put("shape", classification ? List.of(1, 3) : List.of(1, maxClasses));
            out.put(
                    "data",
                    classification
                            ? List.of("0.004200:9:ostrich", "0.003100:135:limpkin", "0.002900:21:kite")
                            : List.of(0.00091, 0.00102, 0.00097));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model_name", defaultModel);
            r.put("model_version", OpenInferenceController.VERSION);
            r.put("id", "42");
            r.put("parameters", Map.of("weights", "random(seed=42)", "random_weights", true));
            r.put("outputs", List.of(out));
            return r;
        }
    }

    /** {@code 250}, {@code 250ms}, {@code 2s} or an ISO-8601 duration. */
    static final String TIMEOUT_PATTERN = "^(\\d{1,9}(ms|s)?|[Pp][Tt].+)$";

    // -------------------------------------------------------------------------------------------------------------
    // JSON Schema 2020-12 builders

    private static Schema<Object> ref(String name) {
        return new JsonSchema().$ref(SCHEMAS + name);
    }

    private static Schema<Object> str() {
        return new JsonSchema().types(Set.of("string"));
    }

    private static Schema<Object> bool() {
        return new JsonSchema().types(Set.of("boolean"));
    }

    private static Schema<Object> integer(Integer min, Integer max) {
        Schema<Object> s = new JsonSchema().types(Set.of("integer"));
        if (min != null) {
            s.minimum(BigDecimal.valueOf(min));
        }
        if (max != null) {
            s.maximum(BigDecimal.valueOf(max));
        }
        return s;
    }

    private static Schema<Object> number(Integer min, Integer max) {
        Schema<Object> s = new JsonSchema().types(Set.of("number"));
        if (min != null) {
            s.minimum(BigDecimal.valueOf(min));
        }
        if (max != null) {
            s.maximum(BigDecimal.valueOf(max));
        }
        return s;
    }

    private static Schema<Object> arr(Schema<Object> items) {
        return new JsonSchema().types(Set.of("array")).items(items);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<Object> obj(Map<String, Schema<Object>> properties, List<String> required) {
        Schema s = new JsonSchema().types(Set.of("object"));
        s.properties(new LinkedHashMap<>(properties));
        s.required(required);
        return s;
    }

    /** An object that refuses undocumented properties, so a field added to a response must be documented too. */
    private static Schema<Object> closed(Map<String, Schema<Object>> properties, List<String> required) {
        return obj(properties, required).additionalProperties(false);
    }

    private static Map<String, Schema<Object>> props(Object... namesAndSchemas) {
        Map<String, Schema<Object>> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndSchemas.length; i += 2) {
            @SuppressWarnings("unchecked")
            Schema<Object> schema = (Schema<Object>) namesAndSchemas[i + 1];
            m.put((String) namesAndSchemas[i], schema);
        }
        return m;
    }

    private static Parameter query(String name, Schema<Object> schema, String description) {
        return new Parameter()
                .in("query")
                .name(name)
                .required(false)
                .schema(schema)
                .description(description);
    }
}
