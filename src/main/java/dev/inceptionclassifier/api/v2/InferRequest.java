package dev.inceptionclassifier.api.v2;

import java.util.List;
import java.util.Map;

/**
 * A parsed {@code $inference_request}: every tensor's data is already decoded (base64 strings and binary sections
 * alike), so nothing downstream sees JSON or the binary framing.
 *
 * @param id the request id, echoed in the response; null when absent
 * @param parameters request parameters (string, number or boolean values)
 * @param inputs the input tensors, in request order
 * @param outputs the requested outputs, in request order; empty for "all outputs with default settings"
 */
public record InferRequest(
        String id, Map<String, Object> parameters, List<Input> inputs, List<RequestedOutput> outputs) {

    /**
     * One input tensor. Exactly one of {@code floats} (FP32) and {@code elements} (BYTES) is set.
     *
     * @param name tensor name
     * @param datatype {@link Datatypes#FP32} or {@link Datatypes#BYTES}
     * @param shape the declared shape; its element count equals the data's
     * @param floats FP32 elements in row-major order
     * @param elements BYTES elements (base64-decoded in JSON, length-prefixed in binary)
     */
    public record Input(String name, String datatype, long[] shape, float[] floats, List<byte[]> elements) {}

    /**
     * One requested output.
     *
     * @param name output name
     * @param classification Triton's classification extension: the number of top classes to return as strings,
     *     0 for the raw tensor
     * @param binaryData Triton's binary output: true or false when the request says so, null when it does not
     */
    public record RequestedOutput(String name, long classification, Boolean binaryData) {}

    /** The {@code binary_data_output} request parameter (Triton's binary tensor data extension); false if absent. */
    public boolean binaryDataOutput() {
        Object v = parameters.get("binary_data_output");
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw ProtocolException.badRequest("Unable to parse 'binary_data_output': expected a boolean.");
    }

    /** Triton's {@code timeout} request parameter in microseconds; 0 when absent. */
    public long timeoutMicros() {
        Object v = parameters.get("timeout");
        if (v == null) {
            return 0;
        }
        if (v instanceof Long l && l >= 0) {
            return l;
        }
        throw ProtocolException.badRequest(
                "Unable to parse 'timeout': expected a non-negative integer of microseconds.");
    }
}
