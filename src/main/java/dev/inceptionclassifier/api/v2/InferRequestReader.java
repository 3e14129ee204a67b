package dev.inceptionclassifier.api.v2;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.Base64Variant;
import tools.jackson.core.Base64Variants;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads an {@code $inference_request} from a body that is already bounded in size, with a streaming parser so that
 * memory stays proportional to the tensors themselves: FP32 numbers go straight into a {@code float[]} (no tree of
 * boxed numbers), base64 strings are decoded as they are read, and every count is checked against {@link Limits}
 * while it grows, not after.
 *
 * <p>Triton's binary tensor data extension: when the request had an {@code Inference-Header-Content-Length}
 * header, only that many leading bytes are JSON; inputs with a {@code binary_data_size} parameter then take their
 * data, in input order, from the bytes after it (little-endian FP32; BYTES elements as a 4-byte little-endian length
 * and the bytes). The sizes must account for every byte.
 *
 * <p>In JSON, BYTES elements are base64 strings (padding optional), since encoded images are not text.
 */
public final class InferRequestReader {

    /**
     * Bounds on one request's tensors.
     *
     * @param maxElements most BYTES elements (images) in one input
     * @param maxElementBytes largest BYTES element (image) in bytes; a larger one is a 413
     * @param maxFloats most FP32 elements in one input
     */
    public record Limits(int maxElements, long maxElementBytes, long maxFloats) {}

    private static final int MAX_TENSORS = 16;
    private static final int MAX_PARAMETERS = 64;
    private static final int MAX_DIMS = 8;
    private static final int MAX_ID_CHARS = 1024;
    private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS.withPaddingAllowed();
    /** Base64 images are streamed past the text buffer, so this only bounds names, ids and parameter values. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxNameLength(1024)
                    .maxNumberLength(100)
                    .maxStringLength(64 * 1024)
                    .build())
            .build();

    private final Limits limits;

    public InferRequestReader(Limits limits) {
        this.limits = limits;
    }

    /**
     * Parses {@code body}, whose first {@code jsonLength} bytes are the JSON object and the rest binary tensor data.
     *
     * @throws ProtocolException 400 for anything malformed or unsupported, 413 for an element over the byte limit
     */
    public InferRequest read(byte[] body, int jsonLength) {
        if (jsonLength < 0 || jsonLength > body.length) {
            throw ProtocolException.badRequest(
                    "Inference-Header-Content-Length " + jsonLength + " is out of range [0, " + body.length + "].");
        }
        ParsedJson parsed;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body, 0, jsonLength)) {
            parsed = request(p);
        } catch (StreamConstraintsException e) {
            throw ProtocolException.badRequest("The request JSON exceeds a nesting, name or string length limit.");
        } catch (JacksonException e) {
            var at = e.getLocation();
            throw ProtocolException.badRequest("The request body is not valid JSON"
                    + (at == null ? "." : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")."));
        }
        List<InferRequest.Input> inputs = new ArrayList<>(parsed.inputs.size());
        int offset = jsonLength;
        for (PendingInput in : parsed.inputs) {
            Object size = in.parameters.get("binary_data_size");
            if ((size != null) == (in.data != null)) {
                throw ProtocolException.badRequest("Input '" + in.name + "' must set exactly one of 'data' and "
                        + "'binary_data_size' in 'parameters'.");
            }
            if (size == null) {
                inputs.add(fromJson(in));
                continue;
            }
            if (!(size instanceof Long n) || n < 0) {
                throw ProtocolException.badRequest("Unable to parse 'binary_data_size' of input '" + in.name
                        + "': expected a non-negative integer.");
            }
            if (n > body.length - offset) {
                throw ProtocolException.badRequest("Input '" + in.name + "' has binary_data_size " + n + " but only "
                        + (body.length - offset) + " bytes of binary data remain after the JSON.");
            }
            inputs.add(fromBinary(in, body, offset, (int) (long) n));
            offset += (int) (long) n;
        }
        if (offset != body.length) {
            throw ProtocolException.badRequest((body.length - offset) + " bytes follow the JSON request that no "
                    + "input's binary_data_size accounts for.");
        }
        return new InferRequest(parsed.id, parsed.parameters, List.copyOf(inputs), parsed.outputs);
    }

    private record ParsedJson(
            String id,
            Map<String, Object> parameters,
            List<PendingInput> inputs,
            List<InferRequest.RequestedOutput> outputs) {}

    private static final class PendingInput {
        String name;
        String datatype;
        long[] shape;
        Map<String, Object> parameters = Map.of();
        Collector data;
    }

    private ParsedJson request(JsonParser p) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw ProtocolException.badRequest("The request body must be a JSON object.");
        }
        String id = null;
        Map<String, Object> parameters = Map.of();
        List<PendingInput> inputs = null;
        List<InferRequest.RequestedOutput> outputs = List.of();
        String field;
        while ((field = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "id" -> {
                    if (t != JsonToken.VALUE_STRING) {
                        throw ProtocolException.badRequest("'id' must be a string.");
                    }
                    id = p.getString();
                    if (id.length() > MAX_ID_CHARS) {
                        throw ProtocolException.badRequest("'id' is longer than " + MAX_ID_CHARS + " characters.");
                    }
                }
                case "parameters" -> parameters = parameters(p, "the request");
                case "inputs" -> inputs = inputs(p);
                case "outputs" -> outputs = outputs(p);
                default -> p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            throw ProtocolException.badRequest("Unexpected content after the JSON request object; binary tensor data "
                    + "needs the Inference-Header-Content-Length header.");
        }
        if (inputs == null || inputs.isEmpty()) {
            throw ProtocolException.badRequest("The request has no 'inputs'.");
        }
        return new ParsedJson(id, parameters, inputs, outputs);
    }

    private List<PendingInput> inputs(JsonParser p) {
        expect(p, JsonToken.START_ARRAY, "'inputs' must be an array.");
        List<PendingInput> inputs = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, JsonToken.START_OBJECT, "Each input must be a JSON object.");
            if (inputs.size() == MAX_TENSORS) {
                throw ProtocolException.badRequest("More than " + MAX_TENSORS + " inputs.");
            }
            inputs.add(input(p, inputs.size()));
        }
        return inputs;
    }

    private PendingInput input(JsonParser p, int index) {
        PendingInput in = new PendingInput();
        String field;
        while ((field = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            String label = in.name != null ? "input '" + in.name + "'" : "input " + index;
            switch (field) {
                case "name" -> in.name = text(p, t, label + ": 'name'");
                case "datatype" -> in.datatype = text(p, t, label + ": 'datatype'");
                case "shape" -> in.shape = shape(p, label);
                case "parameters" -> in.parameters = parameters(p, label);
                case "data" -> {
                    expect(p, JsonToken.START_ARRAY, label + ": 'data' must be an array.");
                    in.data = new Collector(label);
                    collect(p, in.data);
                }
                default -> p.skipChildren();
            }
        }
        if (in.name == null || in.datatype == null || in.shape == null) {
            throw ProtocolException.badRequest("Input " + index + " needs 'name', 'datatype' and 'shape'.");
        }
        return in;
    }

    private List<InferRequest.RequestedOutput> outputs(JsonParser p) {
        expect(p, JsonToken.START_ARRAY, "'outputs' must be an array.");
        List<InferRequest.RequestedOutput> outputs = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, JsonToken.START_OBJECT, "Each requested output must be a JSON object.");
            if (outputs.size() == MAX_TENSORS) {
                throw ProtocolException.badRequest("More than " + MAX_TENSORS + " requested outputs.");
            }
            String name = null;
            Map<String, Object> parameters = Map.of();
            String field;
            while ((field = p.nextName()) != null) {
                JsonToken t = p.nextToken();
                switch (field) {
                    case "name" -> name = text(p, t, "output " + outputs.size() + ": 'name'");
                    case "parameters" -> parameters = parameters(p, "output " + outputs.size());
                    default -> p.skipChildren();
                }
            }
            if (name == null) {
                throw ProtocolException.badRequest("Requested output " + outputs.size() + " needs a 'name'.");
            }
            outputs.add(new InferRequest.RequestedOutput(
                    name, classification(parameters, name), binaryData(parameters, name)));
        }
        return List.copyOf(outputs);
    }

    private static long classification(Map<String, Object> parameters, String output) {
        Object v = parameters.get("classification");
        if (v == null) {
            return 0;
        }
        if (v instanceof Long k && k >= 0) {
            return k;
        }
        throw ProtocolException.badRequest(
                "Unable to set 'classification' of output '" + output + "': expected a non-negative integer.");
    }

    private static Boolean binaryData(Map<String, Object> parameters, String output) {
        Object v = parameters.get("binary_data");
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw ProtocolException.badRequest(
                "Unable to set 'binary_data' of output '" + output + "': expected a boolean.");
    }

    private static Map<String, Object> parameters(JsonParser p, String owner) {
        expect(p, JsonToken.START_OBJECT, "'parameters' of " + owner + " must be a JSON object.");
        Map<String, Object> out = new LinkedHashMap<>();
        String key;
        while ((key = p.nextName()) != null) {
            if (out.size() == MAX_PARAMETERS) {
                throw ProtocolException.badRequest("More than " + MAX_PARAMETERS + " parameters in " + owner + ".");
            }
            JsonToken t = p.nextToken();
            Object value = switch (t) {
                case VALUE_STRING -> p.getString();
                case VALUE_NUMBER_INT -> integer(p, key);
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default ->
                    throw ProtocolException.badRequest(
                            "Parameter '" + key + "' of " + owner + " must be a string, a number or a boolean.");
            };
            out.put(key, value);
        }
        return out;
    }

    private static Long integer(JsonParser p, String key) {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw ProtocolException.badRequest("Parameter '" + key + "' is out of range.");
        }
        return p.getLongValue();
    }

    private static long[] shape(JsonParser p, String label) {
        expect(p, JsonToken.START_ARRAY, label + ": 'shape' must be an array of integers.");
        long[] dims = new long[MAX_DIMS];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
                    || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                throw ProtocolException.badRequest(label + ": 'shape' must be an array of non-negative integers.");
            }
            if (n == MAX_DIMS) {
                throw ProtocolException.badRequest(label + ": 'shape' has more than " + MAX_DIMS + " dimensions.");
            }
            dims[n++] = p.getLongValue();
        }
        return Arrays.copyOf(dims, n);
    }

    /** Flattens nested arrays in row-major order; the nesting itself is bounded by the parser's depth limit. */
    private void collect(JsonParser p, Collector c) {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            switch (t) {
                case START_ARRAY -> collect(p, c);
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> c.add(p.getFloatValue());
                case VALUE_STRING -> c.addBase64(p);
                default ->
                    throw ProtocolException.badRequest(
                            c.label + ": 'data' elements must be numbers (FP32) or base64 strings (BYTES).");
            }
        }
    }

    /** One input's JSON data, as floats or decoded byte strings, bounded while it grows. */
    private final class Collector {
        final String label;
        float[] floats = new float[0];
        int floatCount;
        final List<byte[]> elements = new ArrayList<>();

        Collector(String label) {
            this.label = label;
        }

        void add(float v) {
            if (floatCount == floats.length) {
                if (floatCount >= limits.maxFloats()) {
                    throw ProtocolException.badRequest(label + " has more than " + limits.maxFloats() + " elements.");
                }
                floats = Arrays.copyOf(floats, (int) Math.min(limits.maxFloats(), Math.max(1024, 2L * floatCount)));
            }
            floats[floatCount++] = v;
        }

        void addBase64(JsonParser p) {
            if (elements.size() == limits.maxElements()) {
                throw ProtocolException.badRequest(label + " has more than " + limits.maxElements() + " elements.");
            }
            int index = elements.size();
            var out = new BoundedBytes(limits.maxElementBytes());
            try {
                p.readBinaryValue(BASE64, out);
            } catch (ElementTooLarge e) {
                throw tooLarge(label, index);
            } catch (StreamConstraintsException e) {
                throw e;
            } catch (JacksonException e) {
                throw ProtocolException.badRequest(label + ": element " + index + " is not valid base64.");
            }
            elements.add(out.toByteArray());
        }
    }

    private InferRequest.Input fromJson(PendingInput in) {
        Collector c = in.data;
        long count = elementCount(in);
        if (in.datatype.equals(Datatypes.FP32)) {
            if (!c.elements.isEmpty()) {
                throw ProtocolException.badRequest(c.label + ": FP32 'data' must be numbers.");
            }
            requireCount(c.label, count, c.floatCount);
            float[] floats = c.floats.length == c.floatCount ? c.floats : Arrays.copyOf(c.floats, c.floatCount);
            return new InferRequest.Input(in.name, in.datatype, in.shape, finite(c.label, floats), null);
        }
        if (c.floatCount > 0) {
            throw ProtocolException.badRequest(c.label + ": BYTES 'data' must be base64 strings.");
        }
        requireCount(c.label, count, c.elements.size());
        return new InferRequest.Input(in.name, in.datatype, in.shape, null, List.copyOf(c.elements));
    }

    private InferRequest.Input fromBinary(PendingInput in, byte[] body, int offset, int size) {
        String label = "input '" + in.name + "'";
        long count = elementCount(in);
        ByteBuffer buf = ByteBuffer.wrap(body, offset, size).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (in.datatype.equals(Datatypes.FP32)) {
            if (count * Float.BYTES != size) {
                throw ProtocolException.badRequest(label + ": binary_data_size " + size + " does not match shape "
                        + Arrays.toString(in.shape) + " of FP32 (" + count * Float.BYTES + " bytes).");
            }
            float[] floats = new float[(int) count];
            buf.asFloatBuffer().get(floats);
            return new InferRequest.Input(in.name, in.datatype, in.shape, finite(label, floats), null);
        }
        List<byte[]> elements = new ArrayList<>();
        while (buf.hasRemaining()) {
            if (buf.remaining() < Integer.BYTES) {
                throw ProtocolException.badRequest(label + ": truncated BYTES element length.");
            }
            long length = Integer.toUnsignedLong(buf.getInt());
            if (elements.size() == limits.maxElements()) {
                throw ProtocolException.badRequest(label + " has more than " + limits.maxElements() + " elements.");
            }
            if (length > limits.maxElementBytes()) {
                throw tooLarge(label, elements.size());
            }
            if (length > buf.remaining()) {
                throw ProtocolException.badRequest(label + ": BYTES element " + elements.size() + " claims " + length
                        + " bytes but only " + buf.remaining() + " remain in its binary data.");
            }
            byte[] element = new byte[(int) length];
            buf.get(element);
            elements.add(element);
        }
        requireCount(label, count, elements.size());
        return new InferRequest.Input(in.name, in.datatype, in.shape, null, List.copyOf(elements));
    }

    private long elementCount(PendingInput in) {
        String label = "input '" + in.name + "'";
        if (!in.datatype.equals(Datatypes.FP32) && !in.datatype.equals(Datatypes.BYTES)) {
            throw ProtocolException.badRequest(label + " has datatype '" + in.datatype + "'; this server reads "
                    + "BYTES (encoded images) and FP32 (preprocessed pixels).");
        }
        long limit = in.datatype.equals(Datatypes.FP32) ? limits.maxFloats() : limits.maxElements();
        long count = 1;
        for (long d : in.shape) {
            count *= d;
            if (count > limit) {
                throw ProtocolException.badRequest(
                        label + " has shape " + Arrays.toString(in.shape) + ", more than " + limit + " elements.");
            }
        }
        return count;
    }

    private static void requireCount(String label, long expected, long actual) {
        if (expected != actual) {
            throw ProtocolException.badRequest(
                    label + " has " + actual + " elements but its shape needs " + expected + ".");
        }
    }

    private static float[] finite(String label, float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw ProtocolException.badRequest(label + " contains NaN or infinite values.");
            }
        }
        return values;
    }

    private static ProtocolException tooLarge(String label, int index) {
        return new ProtocolException(413, label + ": element " + index + " exceeds the size limit of one image.");
    }

    private static String text(JsonParser p, JsonToken t, String what) {
        if (t != JsonToken.VALUE_STRING) {
            throw ProtocolException.badRequest(what + " must be a string.");
        }
        return p.getString();
    }

    private static void expect(JsonParser p, JsonToken token, String message) {
        if (p.currentToken() != token) {
            throw ProtocolException.badRequest(message);
        }
    }

    /** Signals an element over the byte limit from inside the streaming base64 decoder. */
    private static final class ElementTooLarge extends RuntimeException {
        ElementTooLarge() {
            super(null, null, false, false);
        }
    }

    /** Collects decoded bytes and refuses to grow past the limit, so an oversized element is never buffered. */
    private static final class BoundedBytes extends OutputStream {
        private final long max;
        private byte[] buf = new byte[8192];
        private int count;

        BoundedBytes(long max) {
            this.max = max;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + (long) len > max) {
                throw new ElementTooLarge();
            }
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(count + (long) len, 2L * buf.length)));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }
}
