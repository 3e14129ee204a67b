package dev.inceptionclassifier.api;

import dev.inceptionclassifier.inference.ServedModel;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /classify}: a multipart part {@code image} (repeated for several images, see
 * {@link BatchClassification}), or the raw image bytes as the body. The content type the
 * client declares for raw bytes is not trusted: the bytes are sniffed. Answers asynchronously (servlet async), so no
 * request thread waits for inference.
 */
@RestController
class ClassifyController {

    private final ClassificationFlow flow;
    private final BatchClassification batch;
    private final long maxBytes;

    ClassifyController(ClassificationFlow flow, BatchClassification batch, UploadLimits limits) {
        this.flow = flow;
        this.batch = batch;
        this.maxBytes = limits.maxImageBytes();
    }

    @PostMapping(
            path = "/classify",
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    CompletableFuture<?> classifyMultipart(
            @RequestParam(name = "image", required = false) List<MultipartFile> images,
            @RequestParam(name = "topK", required = false) String topK,
            @RequestParam(name = "model", required = false) String model,
            @RequestParam(name = "timeout", required = false) String timeout,
            @RequestHeader(name = "Request-Timeout", required = false) String timeoutHeader)
            throws IOException {
        ServedModel m = flow.model(model);
        flow.requireTask(m, ClassificationFlow.CLASSIFY);
        Params p = params(m, topK, timeout, timeoutHeader);
        if (images != null && images.size() > 1) {
            // Several image parts: a list in request order (BatchClassifyResponse); one part keeps today's answer.
            return batch.classify(m, images, p.topK, p.timeout);
        }
        MultipartFile image = images == null || images.isEmpty() ? null : images.get(0);
        if (image == null || image.isEmpty()) {
            throw counted(m, BadRequestException.missingImage());
        }
        if (image.getSize() > maxBytes) {
            throw counted(m, BadRequestException.tooLarge(maxBytes));
        }
        return flow.classify(m, image.getBytes(), p.topK, p.timeout);
    }

    /**
     * Any other body, whatever its declared type (form-encoded included): the bytes are sniffed. The parameters come
     * from the query string only, so the body is never parsed as form parameters, nor logged as one.
     */
    @PostMapping(path = "/classify", produces = MediaType.APPLICATION_JSON_VALUE)
    CompletableFuture<ClassifyResponse> classifyRaw(
            HttpServletRequest request, @RequestHeader(name = "Request-Timeout", required = false) String timeoutHeader)
            throws IOException {
        QueryParameters query;
        try {
            query = QueryParameters.parse(request.getQueryString());
        } catch (BadRequestException e) {
            throw counted(flow.model(null), e);
        }
        ServedModel m = flow.model(query.get("model"));
        flow.requireTask(m, ClassificationFlow.CLASSIFY);
        Params p = params(m, query.get("topK"), query.get("timeout"), timeoutHeader);
        if (request.getContentLengthLong() > maxBytes) {
            throw counted(m, BadRequestException.tooLarge(maxBytes));
        }
        byte[] body = readBounded(request.getInputStream(), m);
        if (body.length == 0) {
            throw counted(m, BadRequestException.missingImage());
        }
        return flow.classify(m, body, p.topK, p.timeout);
    }

    /** Counts a request refused here as {@code bad_input} and returns its exception to throw. */
    private BadRequestException counted(ServedModel m, BadRequestException e) {
        flow.badInput(m);
        return e;
    }

    /** Reads at most maxBytes; a chunked body that goes over is refused without buffering the rest. */
    private byte[] readBounded(InputStream in, ServedModel m) {
        try {
            return UploadBodies.readBounded(in, maxBytes);
        } catch (BadRequestException e) {
            throw counted(m, e);
        }
    }

    /** Whether a read timed out: the upload deadline, or the container's read timeout. */
    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private record Params(int topK, Duration timeout) {}

    private Params params(ServedModel m, String topK, String timeout, String timeoutHeader) {
        try {
            int k = topK == null || topK.isBlank() ? 5 : Integer.parseInt(topK.trim());
            Duration t = parseTimeout(timeout != null ? timeout : timeoutHeader);
            return new Params(k, t);
        } catch (BadRequestException e) {
            throw counted(m, e);
        } catch (NumberFormatException e) {
            throw counted(
                    m,
                    BadRequestException.invalid(
                            "topK must be an integer between 1 and " + m.info().numClasses() + "."));
        }
    }

    /** {@code 250ms}, {@code 2s}, ISO-8601 {@code PT2S}, or a plain number of milliseconds. */
    static Duration parseTimeout(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (v.matches("\\d{1,9}")) {
                d = Duration.ofMillis(Long.parseLong(v));
            } else if (v.matches("\\d{1,9}ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.matches("\\d{1,9}s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                d = Duration.parse(value.trim());
            }
        } catch (DateTimeParseException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw BadRequestException.invalid("timeout must be a positive duration such as 500ms, 2s or PT2S.");
        }
        return d;
    }
}
