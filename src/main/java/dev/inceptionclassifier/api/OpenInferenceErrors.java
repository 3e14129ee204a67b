package dev.inceptionclassifier.api;

import dev.inceptionclassifier.api.v2.Metadata;
import dev.inceptionclassifier.api.v2.ProtocolException;
import dev.inceptionclassifier.image.ImageRejectedException;
import dev.inceptionclassifier.inference.DeadlineExceededException;
import dev.inceptionclassifier.inference.InferenceFailedException;
import dev.inceptionclassifier.inference.RejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Errors of the v2 endpoints as the protocol's {@code {"error": "..."}} JSON, with the same statuses as the
 * problem types of {@code /classify} (400, 404, 413, 415, 422; 503 or 429 with Retry-After when overloaded; 504 past
 * the deadline; 500). Ahead of {@link ProblemHandler}, and only for {@link OpenInferenceController}; a request that
 * matches no v2 route (wrong path or method) still gets problem+json.
 */
@RestControllerAdvice(assignableTypes = OpenInferenceController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenInferenceErrors {

    private static final Logger log = LoggerFactory.getLogger(OpenInferenceErrors.class);

    private final HttpStatus rejectStatus;
    private final String retryAfterSeconds;

    OpenInferenceErrors(ApiSettings settings) {
        this.rejectStatus = HttpStatus.valueOf(settings.rejectStatus());
        this.retryAfterSeconds = Long.toString(Math.max(1, settings.retryAfter().toSeconds()));
    }

    @ExceptionHandler(ProtocolException.class)
    ResponseEntity<Metadata.Error> protocol(ProtocolException e) {
        return error(HttpStatus.valueOf(e.status()), e.getMessage());
    }

    @ExceptionHandler(BadRequestException.class)
    ResponseEntity<Metadata.Error> badRequest(BadRequestException e) {
        return error(e.status(), e.getMessage());
    }

    @ExceptionHandler(ImageRejectedException.class)
    ResponseEntity<Metadata.Error> imageRejected(ImageRejectedException e) {
        HttpStatus status = switch (e.reason()) {
            case EMPTY, UNDECODABLE -> HttpStatus.BAD_REQUEST;
            case UNSUPPORTED_FORMAT -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case BUDGET_EXCEEDED -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
        return error(status, e.getMessage());
    }

    @ExceptionHandler(RejectedException.class)
    ResponseEntity<Metadata.Error> rejected(RejectedException e) {
        return e.shuttingDown()
                ? retryLater(HttpStatus.SERVICE_UNAVAILABLE, "The service is shutting down; retry on another instance.")
                : retryLater(rejectStatus, "The queue for this model is full; retry later.");
    }

    @ExceptionHandler(DeadlineExceededException.class)
    ResponseEntity<Metadata.Error> deadline(DeadlineExceededException e) {
        return error(HttpStatus.GATEWAY_TIMEOUT, "The request's deadline passed before a result was ready.");
    }

    @ExceptionHandler(InferenceFailedException.class)
    ResponseEntity<Metadata.Error> inferenceFailed(InferenceFailedException e) {
        return e.resourceExhausted()
                ? retryLater(HttpStatus.SERVICE_UNAVAILABLE, "The model ran out of memory for this batch; retry later.")
                : error(HttpStatus.INTERNAL_SERVER_ERROR, "Inference failed for the batch this request ran in.");
    }

    /**
     * Spring MVC's own errors inside a v2 route (e.g. an unacceptable Accept header) keep their status, without
     * detail; anything else is a 500 that is logged, never described.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Metadata.Error> other(Exception e) {
        if (e instanceof ErrorResponse r) {
            HttpStatus status = HttpStatus.resolve(r.getStatusCode().value());
            return error(
                    status != null ? status : HttpStatus.BAD_REQUEST,
                    status != null ? status.getReasonPhrase() + "." : "Bad request.");
        }
        log.error("unexpected error", e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.");
    }

    private ResponseEntity<Metadata.Error> retryLater(HttpStatus status, String message) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .body(new Metadata.Error(message));
    }

    private static ResponseEntity<Metadata.Error> error(HttpStatusCode status, String message) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(new Metadata.Error(message));
    }
}
