package dev.inceptionclassifier.api;

import dev.inceptionclassifier.inference.ServedModel;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /embed}: the L2-normalised embedding of one image, from a model that embeds (Inception-ResNet-v1).
 * The same upload rules, parameters ({@code model}, {@code timeout}), authentication and problems as
 * {@code /classify}, through the same decode, preprocessing and batching.
 */
@RestController
class EmbedController {

    private final ClassificationFlow flow;
    private final long maxBytes;

    EmbedController(ClassificationFlow flow, UploadLimits limits) {
        this.flow = flow;
        this.maxBytes = limits.maxImageBytes();
    }

    @PostMapping(
            path = "/embed",
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    CompletableFuture<EmbedResponse> embedMultipart(
            @RequestParam(name = "image", required = false) List<MultipartFile> images,
            @RequestParam(name = "model", required = false) String model,
            @RequestParam(name = "timeout", required = false) String timeout,
            @RequestHeader(name = "Request-Timeout", required = false) String timeoutHeader)
            throws IOException {
        ServedModel m = flow.model(model);
        flow.requireTask(m, ClassificationFlow.EMBED);
        Duration t = timeout(m, timeout != null ? timeout : timeoutHeader);
        if (images != null && images.size() > 1) {
            throw counted(
                    m, BadRequestException.invalid("/embed takes one image per request; got " + images.size() + "."));
        }
        MultipartFile image = images == null || images.isEmpty() ? null : images.get(0);
        if (image == null || image.isEmpty()) {
            throw counted(m, BadRequestException.missingImage());
        }
        if (image.getSize() > maxBytes) {
            throw counted(m, BadRequestException.tooLarge(maxBytes));
        }
        return flow.embed(m, image.getBytes(), t);
    }

    /** Any other body, whatever its declared type: the bytes are sniffed; parameters from the query string only. */
    @PostMapping(path = "/embed", produces = MediaType.APPLICATION_JSON_VALUE)
    CompletableFuture<EmbedResponse> embedRaw(
            HttpServletRequest request, @RequestHeader(name = "Request-Timeout", required = false) String timeoutHeader)
            throws IOException {
        QueryParameters query;
        try {
            query = QueryParameters.parse(request.getQueryString());
        } catch (BadRequestException e) {
            throw counted(flow.model(null), e);
        }
        ServedModel m = flow.model(query.get("model"));
        flow.requireTask(m, ClassificationFlow.EMBED);
        Duration t = timeout(m, query.get("timeout") != null ? query.get("timeout") : timeoutHeader);
        if (request.getContentLengthLong() > maxBytes) {
            throw counted(m, BadRequestException.tooLarge(maxBytes));
        }
        byte[] body;
        try {
            body = UploadBodies.readBounded(request.getInputStream(), maxBytes);
        } catch (BadRequestException e) {
            throw counted(m, e);
        }
        if (body.length == 0) {
            throw counted(m, BadRequestException.missingImage());
        }
        return flow.embed(m, body, t);
    }

    private Duration timeout(ServedModel m, String value) {
        try {
            return ClassifyController.parseTimeout(value);
        } catch (BadRequestException e) {
            throw counted(m, e);
        }
    }

    private BadRequestException counted(ServedModel m, BadRequestException e) {
        flow.badInput(m);
        return e;
    }
}
