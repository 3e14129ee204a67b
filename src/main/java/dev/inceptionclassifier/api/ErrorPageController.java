package dev.inceptionclassifier.api;

import dev.inceptionclassifier.api.v2.Metadata;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The container's error page ({@code /error}), in place of Spring Boot's {@code {"timestamp", "status", "error",
 * "path"}} JSON. Tomcat sends a request here itself when reading its body failed (a body that stalls past
 * {@code server.tomcat.connection-timeout}: 408; one that ends early: 400), replacing what the controller answered;
 * those answers keep their documented form: problem+json ({@code upload-timeout}, {@code incomplete-upload}), or the
 * v2 protocol's {@code {"error": "..."}} under {@code /v2}. No exception text is ever copied. Asked for directly,
 * without an error to report, there is no such page: 404.
 */
@Controller
class ErrorPageController implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<Object> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer c && HttpStatus.resolve(c) != null
                ? HttpStatus.valueOf(c)
                : code == null ? HttpStatus.NOT_FOUND : HttpStatus.INTERNAL_SERVER_ERROR;
        // Our own handlers never send an error page, so a 400 here with a request body is Tomcat failing to read it.
        boolean bodyFailed = causedByIo(request.getAttribute(RequestDispatcher.ERROR_EXCEPTION))
                || request.getContentLengthLong() > 0
                || request.getHeader("Transfer-Encoding") != null;
        URI type;
        String detail;
        if (status == HttpStatus.REQUEST_TIMEOUT) {
            type = ProblemTypes.UPLOAD_TIMEOUT;
            detail = BadRequestException.incompleteUpload(true).getMessage();
        } else if (status == HttpStatus.BAD_REQUEST && bodyFailed) {
            type = ProblemTypes.INCOMPLETE_UPLOAD;
            detail = BadRequestException.incompleteUpload(false).getMessage();
        } else if (status == HttpStatus.CONTENT_TOO_LARGE) {
            type = ProblemTypes.IMAGE_TOO_LARGE;
            detail = "The request body is too large.";
        } else if (status == HttpStatus.UNAUTHORIZED) {
            type = ProblemTypes.UNAUTHORIZED;
            detail = "A valid X-API-Key header is required.";
        } else if (status == HttpStatus.BAD_REQUEST) {
            type = ProblemTypes.HTTP;
            detail = "The request could not be read.";
        } else if (status.is5xxServerError()) {
            type = ProblemTypes.INTERNAL;
            detail = "An unexpected error occurred.";
        } else {
            type = ProblemTypes.HTTP;
            detail = status.getReasonPhrase() + ".";
        }
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri instanceof String s ? s : "";
        if (path.equals("/v2") || path.startsWith("/v2/")) {
            return ResponseEntity.status(status)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(new Metadata.Error(detail));
        }
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(type);
        pd.setTitle(status.getReasonPhrase());
        if (path.startsWith("/")) {
            pd.setInstance(URI.create(path.replaceAll("[^A-Za-z0-9/._~-]", "")));
        }
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(pd);
    }

    private static boolean causedByIo(Object error) {
        for (Throwable t = error instanceof Throwable e ? e : null; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
