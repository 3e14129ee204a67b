package dev.inceptionclassifier.api;

import java.net.URI;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page: errors that the container raises itself, outside any controller, as problem+json too. Tomcat
 * answers a body read that timed out (the upload deadline, the read timeout) with 408 and one that failed with 400,
 * whatever the application then writes. Replaces Spring Boot's default error JSON; never shows an exception.
 */
@RestController
class ErrorProblemController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Without an error to report, this is a client asking for the error page itself: there is no such page.
        HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null ? HttpStatus.valueOf(i)
                : code == null ? HttpStatus.NOT_FOUND : HttpStatus.INTERNAL_SERVER_ERROR;
        URI type = switch (status) {
            case REQUEST_TIMEOUT -> ProblemTypes.UPLOAD_TIMEOUT;
            case CONTENT_TOO_LARGE -> ProblemTypes.IMAGE_TOO_LARGE;
            case UNAUTHORIZED -> ProblemTypes.UNAUTHORIZED;
            case INTERNAL_SERVER_ERROR -> ProblemTypes.INTERNAL;
            default -> ProblemTypes.HTTP;
        };
        String detail = switch (status) {
            case REQUEST_TIMEOUT -> "The request body did not arrive in time.";
            case BAD_REQUEST -> "The request could not be read.";
            case INTERNAL_SERVER_ERROR -> "An unexpected error occurred.";
            default -> null;
        };
        ProblemDetail pd = ProblemDetail.forStatus(status);
        pd.setType(type);
        pd.setTitle(status.getReasonPhrase());
        pd.setDetail(detail);
        // The path the client asked for, not the error page's own.
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) {
            try {
                pd.setInstance(URI.create(uri));
            } catch (IllegalArgumentException e) {
                // not a valid URI reference: left to the default
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }
}
