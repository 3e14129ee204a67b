package dev.inceptionclassifier.api;

import java.net.URI;

/** Stable RFC 9457 problem type URIs; clients may switch on them. Documented, one heading per slug, in docs/api.md. */
final class ProblemTypes {

    private static final String BASE = "https://inception-classifier.dev/problems/";

    static final URI MISSING_IMAGE = uri("missing-image");
    static final URI UNSUPPORTED_MEDIA_TYPE = uri("unsupported-media-type");
    static final URI UNDECODABLE_IMAGE = uri("undecodable-image");
    static final URI UPLOAD_TIMEOUT = uri("upload-timeout");
    static final URI INCOMPLETE_UPLOAD = uri("incomplete-upload");
    static final URI IMAGE_TOO_LARGE = uri("image-too-large");
    static final URI DECODE_BUDGET_EXCEEDED = uri("decode-budget-exceeded");
    static final URI UNKNOWN_MODEL = uri("unknown-model");
    static final URI UNSUPPORTED_TASK = uri("unsupported-task");
    static final URI INVALID_PARAMETER = uri("invalid-parameter");
    static final URI OVERLOADED = uri("overloaded");
    static final URI SHUTTING_DOWN = uri("shutting-down");
    static final URI DEADLINE_EXCEEDED = uri("deadline-exceeded");
    static final URI RESOURCE_EXHAUSTED = uri("resource-exhausted");
    static final URI INFERENCE_FAILED = uri("inference-failed");
    static final URI UNAUTHORIZED = uri("unauthorized");
    static final URI INTERNAL = uri("internal-error");
    static final URI HTTP = uri("http-error");

    private ProblemTypes() {}

    private static URI uri(String slug) {
        return URI.create(BASE + slug);
    }
}
