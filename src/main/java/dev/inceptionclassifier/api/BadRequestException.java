package dev.inceptionclassifier.api;

import java.net.URI;
import org.springframework.http.HttpStatus;

/** A client error detected by the API layer itself, with its status and problem type. */
class BadRequestException extends RuntimeException {

    private final HttpStatus status;
    private final URI type;

    BadRequestException(HttpStatus status, URI type, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
    }

    HttpStatus status() {
        return status;
    }

    URI type() {
        return type;
    }

    static BadRequestException missingImage() {
        return new BadRequestException(
                HttpStatus.BAD_REQUEST,
                ProblemTypes.MISSING_IMAGE,
                "No image: send a multipart part named 'image' or the image bytes as the request body.");
    }

    static BadRequestException invalid(String detail) {
        return new BadRequestException(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_PARAMETER, detail);
    }

    static BadRequestException unknownModel(String name, Iterable<String> known) {
        return new BadRequestException(
                HttpStatus.NOT_FOUND,
                ProblemTypes.UNKNOWN_MODEL,
                "Unknown model '" + name + "'; served models: " + String.join(", ", known) + ".");
    }

    /** {@code model} does not serve what the endpoint asks of it ({@code /classify} of an embedding model...). */
    static BadRequestException unsupportedTask(String model, String task, Iterable<String> served) {
        return new BadRequestException(
                HttpStatus.BAD_REQUEST,
                ProblemTypes.UNSUPPORTED_TASK,
                "Model '" + model
                        + "' does not " + task + "; it serves: " + String.join(", ", served)
                        + " (GET /models lists each "
                        + "model's task).");
    }

    static BadRequestException incompleteUpload(boolean timedOut) {
        return timedOut
                ? new BadRequestException(
                        HttpStatus.REQUEST_TIMEOUT,
                        ProblemTypes.UPLOAD_TIMEOUT,
                        "The request body did not arrive in time.")
                : new BadRequestException(
                        HttpStatus.BAD_REQUEST,
                        ProblemTypes.INCOMPLETE_UPLOAD,
                        "The request body ended before it was complete.");
    }

    static BadRequestException tooLarge(long maxBytes) {
        return new BadRequestException(
                HttpStatus.CONTENT_TOO_LARGE,
                ProblemTypes.IMAGE_TOO_LARGE,
                "The upload exceeds the limit of " + maxBytes + " bytes.");
    }
}
