package dev.inceptionclassifier.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.util.List;

/**
 * The answer of {@code POST /classify} with more than one {@code image} part: one item per part, in request order,
 * each with its own result or its own problem. A request with a single part keeps the plain
 * {@link ClassifyResponse}.
 *
 * @param model the model that answered
 * @param weights what weights it serves
 * @param randomWeights true when those are untrained random weights
 * @param warning set when the predictions are meaningless (random weights)
 * @param results one item per image part, in request order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BatchClassifyResponse(String model, String weights, boolean randomWeights, String warning, List<Item> results) {

    /**
     * One image part's outcome: {@code result} when {@code status} is 200, else {@code problem}.
     *
     * @param index position of the part among the image parts (0-based)
     * @param status the HTTP status this image alone would have got
     * @param result its classification
     * @param problem why it was not classified
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Item(int index, int status, ClassifyResponse result, Problem problem) {}

    /**
     * The RFC 9457 problem this image alone would have got.
     *
     * @param type stable problem type URI
     * @param title the status's reason phrase
     * @param status HTTP status
     * @param detail what went wrong
     */
    record Problem(URI type, String title, int status, String detail) {}
}
