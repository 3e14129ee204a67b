package dev.inceptionclassifier.api.v2;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** The protocol's metadata and error documents. */
public final class Metadata {

    private Metadata() {}

    /**
     * {@code $metadata_server_response}.
     *
     * @param name a descriptive name for the server
     * @param version the server version
     * @param extensions the protocol extensions it supports
     */
    public record Server(String name, String version, List<String> extensions) {}

    /**
     * {@code $metadata_model_response}; {@code parameters} is this server's addition (the weights served, and the
     * random-weights warning), which clients that do not know it ignore.
     *
     * @param name the model's name
     * @param versions the versions that may be requested
     * @param platform the framework/backend
     * @param inputs the inputs the model accepts
     * @param outputs the outputs it produces
     * @param parameters what the model serves
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Model(
            String name,
            List<String> versions,
            String platform,
            List<Tensor> inputs,
            List<Tensor> outputs,
            Map<String, Object> parameters) {}

    /**
     * {@code $metadata_tensor}.
     *
     * @param name tensor name
     * @param datatype element datatype
     * @param shape its shape; -1 for a variable dimension
     */
    public record Tensor(String name, String datatype, long[] shape) {}

    /**
     * The protocol's error object.
     *
     * @param error what went wrong
     */
    public record Error(String error) {}
}
