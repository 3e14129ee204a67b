package dev.inceptionclassifier.api.v2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * An {@code $inference_response}, and its encoding: plain JSON, or (Triton's binary tensor data extension) the JSON
 * followed by the binary outputs in output order, with {@link Encoded#jsonLength} for the
 * {@code Inference-Header-Content-Length} header.
 *
 * @param modelName the model that answered
 * @param modelVersion its version
 * @param id the request's id, or null
 * @param parameters response parameters (string, number or boolean values)
 * @param outputs the output tensors
 */
public record InferResponse(
        String modelName, String modelVersion, String id, Map<String, Object> parameters, List<Output> outputs) {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * One output tensor: FP32 {@code floats} or BYTES {@code strings} (UTF-8).
     *
     * @param name tensor name
     * @param datatype {@link Datatypes#FP32} or {@link Datatypes#BYTES}
     * @param shape its shape
     * @param floats FP32 elements, row-major
     * @param strings BYTES elements
     * @param binary whether to send it as binary data after the JSON
     */
    public record Output(
            String name, String datatype, long[] shape, float[] floats, List<String> strings, boolean binary) {}

    /**
     * An encoded response.
     *
     * @param body the whole HTTP body
     * @param jsonLength bytes of JSON at its start; equal to {@code body.length} when nothing is binary
     */
    public record Encoded(byte[] body, int jsonLength) {

        /** Whether binary output data follows the JSON (then send {@code Inference-Header-Content-Length}). */
        public boolean hasBinary() {
            return jsonLength < body.length;
        }
    }

    /** The HTTP body: field order follows Triton's (name, datatype, shape, parameters, data). */
    public Encoded encode() {
        ByteArrayOutputStream json = new ByteArrayOutputStream(4096);
        List<byte[]> binary = new ArrayList<>();
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), json)) {
            g.writeStartObject();
            g.writeStringProperty("model_name", modelName);
            g.writeStringProperty("model_version", modelVersion);
            if (id != null) {
                g.writeStringProperty("id", id);
            }
            if (!parameters.isEmpty()) {
                g.writeName("parameters");
                writeParameters(g, parameters);
            }
            g.writeName("outputs");
            g.writeStartArray();
            for (Output o : outputs) {
                g.writeStartObject();
                g.writeStringProperty("name", o.name());
                g.writeStringProperty("datatype", o.datatype());
                g.writeName("shape");
                g.writeArray(o.shape(), 0, o.shape().length);
                if (o.binary()) {
                    byte[] data = binary(o);
                    g.writeName("parameters");
                    writeParameters(g, Map.of("binary_data_size", (long) data.length));
                    if (data.length > 0) {
                        binary.add(data);
                    }
                } else {
                    g.writeName("data");
                    g.writeStartArray();
                    if (o.floats() != null) {
                        for (float v : o.floats()) {
                            g.writeNumber(v);
                        }
                    } else {
                        for (String s : o.strings()) {
                            g.writeString(s);
                        }
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        int jsonLength = json.size();
        for (byte[] b : binary) {
            json.writeBytes(b);
        }
        return new Encoded(json.toByteArray(), jsonLength);
    }

    private static void writeParameters(JsonGenerator g, Map<String, Object> parameters) {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : parameters.entrySet()) {
            g.writeName(e.getKey());
            Object v = e.getValue();
            if (v instanceof Boolean b) {
                g.writeBoolean(b);
            } else if (v instanceof Long l) {
                g.writeNumber(l);
            } else if (v instanceof Integer i) {
                g.writeNumber(i);
            } else if (v instanceof Double d) {
                g.writeNumber(d);
            } else {
                g.writeString(String.valueOf(v));
            }
        }
        g.writeEndObject();
    }

    /** Little-endian FP32, or BYTES as a 4-byte little-endian length and the UTF-8 bytes of each element. */
    private static byte[] binary(Output o) {
        if (o.floats() != null) {
            ByteBuffer b = ByteBuffer.allocate(o.floats().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(o.floats());
            return b.array();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : o.strings()) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(Integer.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(utf8.length)
                    .array());
            out.writeBytes(utf8);
        }
        return out.toByteArray();
    }
}
