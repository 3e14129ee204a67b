package dev.inceptionclassifier.api;

import dev.inceptionclassifier.image.ImageRejectedException;
import dev.inceptionclassifier.inference.DeadlineExceededException;
import dev.inceptionclassifier.inference.InferenceFailedException;
import dev.inceptionclassifier.inference.RejectedException;
import dev.inceptionclassifier.inference.ServedModel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

/**
 * Several {@code image} parts in one {@code POST /classify}: every image is decoded and preprocessed first, then all
 * are queued together (so they can share a batch), and the answer lists each image's result or problem in request
 * order. One bad image does not fail the others; its problem is exactly what {@link ProblemHandler} answers for that
 * image sent alone. Request-level errors (unknown model, bad topK or timeout, too many parts) fail the whole request.
 */
@Component
class BatchClassification {

    private final ClassificationFlow flow;
    private final ProblemHandler problems;
    private final UploadLimits limits;

    BatchClassification(ClassificationFlow flow, ProblemHandler problems, UploadLimits limits) {
        this.flow = flow;
        this.problems = problems;
        this.limits = limits;
    }

    CompletableFuture<ResponseEntity<BatchClassifyResponse>> classify(
            ServedModel model, List<MultipartFile> parts, int topK, Duration timeout) {
        if (parts.size() > limits.maxImages()) {
            flow.badInput(model);
            throw BadRequestException.invalid(
                    "At most " + limits.maxImages() + " images per request; got " + parts.size() + ".");
        }
        flow.checkTopK(model, topK);
        // A queue that is already full refuses the whole request before any decoding, as for a single image.
        flow.admit(model);
        int n = parts.size();
        List<ClassificationFlow.Prepared> prepared = new ArrayList<>(n);
        List<Outcome> refused = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ClassificationFlow.Prepared p = null;
            Outcome problem = null;
            try {
                p = flow.prepare(model, bytes(model, parts.get(i)));
            } catch (RuntimeException e) {
                problem = problem(i, e);
            }
            prepared.add(p);
            refused.add(problem);
        }
        List<CompletableFuture<Outcome>> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            if (refused.get(i) != null) {
                items.add(CompletableFuture.completedFuture(refused.get(i)));
                continue;
            }
            CompletableFuture<Outcome> item;
            try {
                flow.admit(model);
                item = flow.classify(model, prepared.get(i), topK, timeout)
                        .handle((r, e) -> e == null
                                ? new Outcome(new BatchClassifyResponse.Item(index, 200, r, null), null)
                                : problem(index, e));
            } catch (RuntimeException e) {
                item = CompletableFuture.completedFuture(problem(index, e));
            }
            items.add(item);
            prepared.set(i, null);
        }
        return CompletableFuture.allOf(items.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Outcome> outcomes = items.stream().map(CompletableFuture::join).toList();
            boolean random = model.info().randomWeights();
            var body = new BatchClassifyResponse(
                    model.name(),
                    model.info().weights(),
                    random,
                    random ? ClassificationFlow.RANDOM_WEIGHTS_WARNING : null,
                    outcomes.stream().map(Outcome::item).toList());
            var ok = ResponseEntity.ok();
            // Images refused for load can be retried: say when, as the answer for one such image alone would.
            outcomes.stream()
                    .map(Outcome::retryAfter)
                    .filter(java.util.Objects::nonNull)
                    .findFirst()
                    .ifPresent(r -> ok.header(HttpHeaders.RETRY_AFTER, r));
            return ok.body(body);
        });
    }

    /** The part's bytes, held to {@code max-bytes} like a single upload. */
    private byte[] bytes(ServedModel model, MultipartFile part) {
        if (part.isEmpty()) {
            flow.badInput(model);
            throw BadRequestException.missingImage();
        }
        if (part.getSize() > limits.maxImageBytes()) {
            flow.badInput(model);
            throw BadRequestException.tooLarge(limits.maxImageBytes());
        }
        try {
            return part.getBytes();
        } catch (IOException e) {
            flow.badInput(model);
            throw BadRequestException.incompleteUpload(false);
        }
    }

    /**
     * One image's outcome, with the Retry-After its problem carries when it was refused for load.
     *
     * @param item the item of the answer
     * @param retryAfter the Retry-After header of its problem, or null
     */
    private record Outcome(BatchClassifyResponse.Item item, String retryAfter) {}

    private Outcome problem(int index, Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        ResponseEntity<ProblemDetail> r;
        if (t instanceof BadRequestException e) {
            r = problems.badRequest(e);
        } else if (t instanceof ImageRejectedException e) {
            r = problems.imageRejected(e);
        } else if (t instanceof RejectedException e) {
            r = problems.rejected(e);
        } else if (t instanceof DeadlineExceededException e) {
            r = problems.deadline(e);
        } else if (t instanceof InferenceFailedException e) {
            r = problems.inferenceFailed(e);
        } else {
            r = problems.unexpected(t instanceof Exception e ? e : new IllegalStateException(t));
        }
        ProblemDetail pd = r.getBody();
        var problem = new BatchClassifyResponse.Problem(pd.getType(), pd.getTitle(), pd.getStatus(), pd.getDetail());
        return new Outcome(
                new BatchClassifyResponse.Item(index, pd.getStatus(), null, problem),
                r.getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
    }
}
