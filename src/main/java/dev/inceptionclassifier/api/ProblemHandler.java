package dev.inceptionclassifier.api;

import dev.inceptionclassifier.image.DecodeBusyException;
import dev.inceptionclassifier.image.ImageRejectedException;
import dev.inceptionclassifier.inference.DeadlineExceededException;
import dev.inceptionclassifier.inference.InferenceFailedException;
import dev.inceptionclassifier.inference.RejectedException;
import java.net.URI;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as RFC 9457 problem+json with a stable {@code type}. Details are written here, never copied from a
 * library's exception, so no internal message, path or stack trace reaches a client.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final HttpStatus rejectStatus;
    private final String retryAfterSeconds;

    ProblemHandler(ApiSettings settings) {
        this.rejectStatus = HttpStatus.valueOf(settings.rejectStatus());
        this.retryAfterSeconds = Long.toString(Math.max(1, settings.retryAfter().toSeconds()));
    }

    @ExceptionHandler(BadRequestException.class)
    ResponseEntity<ProblemDetail> badRequest(BadRequestException e) {
        return problem(e.status(), e.type(), e.getMessage());
    }

    @ExceptionHandler(ImageRejectedException.class)
    ResponseEntity<ProblemDetail> imageRejected(ImageRejectedException e) {
        return switch (e.reason()) {
            case EMPTY -> problem(HttpStatus.BAD_REQUEST, ProblemTypes.MISSING_IMAGE, e.getMessage());
            case UNSUPPORTED_FORMAT ->
                problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemTypes.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
            case UNDECODABLE -> problem(HttpStatus.BAD_REQUEST, ProblemTypes.UNDECODABLE_IMAGE, e.getMessage());
            case TOO_LARGE -> problem(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.IMAGE_TOO_LARGE, e.getMessage());
            case BUDGET_EXCEEDED ->
                problem(HttpStatus.UNPROCESSABLE_CONTENT, ProblemTypes.DECODE_BUDGET_EXCEEDED, e.getMessage());
        };
    }

    @ExceptionHandler(RejectedException.class)
    ResponseEntity<ProblemDetail> rejected(RejectedException e) {
        ResponseEntity<ProblemDetail> r = e.shuttingDown()
                ? problem(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        ProblemTypes.SHUTTING_DOWN,
                        "The service is shutting down; retry on another instance.")
                : problem(rejectStatus, ProblemTypes.OVERLOADED, "The queue for this model is full; retry later.");
        return ResponseEntity.status(r.getStatusCode())
                .headers(r.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .body(r.getBody());
    }

    @ExceptionHandler(DecodeBusyException.class)
    ResponseEntity<ProblemDetail> decodeBusy(DecodeBusyException e) {
        ResponseEntity<ProblemDetail> r = problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                ProblemTypes.OVERLOADED,
                "The server is decoding other large images and has no memory free for this one; retry later.");
        return ResponseEntity.status(r.getStatusCode())
                .headers(r.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .body(r.getBody());
    }

    @ExceptionHandler(DeadlineExceededException.class)
    ResponseEntity<ProblemDetail> deadline(DeadlineExceededException e) {
        return problem(
                HttpStatus.GATEWAY_TIMEOUT,
                ProblemTypes.DEADLINE_EXCEEDED,
                "The request's deadline passed before a result was ready.");
    }

    @ExceptionHandler(InferenceFailedException.class)
    ResponseEntity<ProblemDetail> inferenceFailed(InferenceFailedException e) {
        if (e.resourceExhausted()) {
            ResponseEntity<ProblemDetail> r = problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    ProblemTypes.RESOURCE_EXHAUSTED,
                    "The model ran out of memory for this batch; retry later.");
            return ResponseEntity.status(r.getStatusCode())
                    .headers(r.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                    .body(r.getBody());
        }
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                ProblemTypes.INFERENCE_FAILED,
                "Inference failed for the batch this request ran in.");
    }

    /** A multipart body that cannot be parsed (no boundary, truncated), or that did not arrive in time. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e) {
        if (ClassifyController.isTimeout(e)) {
            return badRequest(BadRequestException.incompleteUpload(true));
        }
        return problem(HttpStatus.BAD_REQUEST, ProblemTypes.MISSING_IMAGE, "The multipart request could not be read.");
    }

    /** Tomcat refuses a bad percent-encoding or charset in the parameters; its message quotes them, so drop it. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> invalidParameters(InvalidParameterException e) {
        return problem(
                HttpStatus.BAD_REQUEST,
                ProblemTypes.INVALID_PARAMETER,
                "The request's parameters could not be decoded.");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        // Classes and stack frames only: a library's message may quote the request (parameters, body bytes).
        log.error("unexpected error", MessageWithheld.of(e));
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, ProblemTypes.INTERNAL, "An unexpected error occurred.");
    }

    /** Spring MVC's own exceptions: keep their status and generic detail, give them our type, strip the rest. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        URI type = ProblemTypes.HTTP;
        String detail = null;
        if (ex instanceof MaxUploadSizeExceededException) {
            type = ProblemTypes.IMAGE_TOO_LARGE;
            statusCode = HttpStatus.CONTENT_TOO_LARGE;
            detail = "The upload exceeds the configured size limit.";
        } else if (ex instanceof MultipartException) {
            type = ProblemTypes.MISSING_IMAGE;
            statusCode = HttpStatus.BAD_REQUEST;
            detail = "The multipart request could not be read.";
        } else if (body instanceof ProblemDetail pd) {
            detail = pd.getDetail();
        }
        HttpStatus status = HttpStatus.resolve(statusCode.value());
        ProblemDetail pd = ProblemDetail.forStatus(statusCode);
        pd.setType(type);
        pd.setTitle(status != null ? status.getReasonPhrase() : "Error");
        pd.setDetail(detail);
        HttpHeaders h = new HttpHeaders();
        if (headers != null) {
            h.putAll(headers);
        }
        h.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(pd, h, statusCode);
    }

    /** Stands in for an exception in the log: its class name and stack, its causes likewise, no message. */
    static final class MessageWithheld extends RuntimeException {

        private MessageWithheld(Throwable original, Throwable cause) {
            super(original.getClass().getName() + " (message withheld)", cause, false, true);
            setStackTrace(original.getStackTrace());
        }

        static MessageWithheld of(Throwable e) {
            return of(e, 0);
        }

        private static MessageWithheld of(Throwable e, int depth) {
            Throwable cause = e.getCause();
            return new MessageWithheld(e, cause == null || cause == e || depth > 16 ? null : of(cause, depth + 1));
        }
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, URI type, String detail) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(type);
        pd.setTitle(status.getReasonPhrase());
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(pd);
    }
}
