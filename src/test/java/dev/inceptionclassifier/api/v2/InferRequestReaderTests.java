package dev.inceptionclassifier.api.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * The request reader against the protocol's published examples (KServe {@code docs/predict-api/v2/required_api.md}
 * "Inference Request Examples"; Triton {@code docs/protocol/extension_binary_data.md} and
 * {@code extension_classification.md}) and against hostile bodies.
 */
class InferRequestReaderTests {

    private static final InferRequestReader READER =
            new InferRequestReader(new InferRequestReader.Limits(4, 1000, 4 * 3 * 4 * 4));

    /** KServe's published inference request example, verbatim. */
    static final String KSERVE_EXAMPLE = """
            {
              "id" : "42",
              "inputs" : [
                {
                  "name" : "input0",
                  "shape" : [ 2, 2 ],
                  "datatype" : "UINT32",
                  "data" : [ 1, 2, 3, 4 ]
                },
                {
                  "name" : "input1",
                  "shape" : [ 3 ],
                  "datatype" : "BOOL",
                  "data" : [ true ]
                }
              ],
              "outputs" : [
                {
                  "name" : "output0"
                }
              ]
            }""";

    @Test
    void thePublishedExampleParsesUpToItsDatatypesWhichThisServerDoesNotRead() {
        // Its BOOL input ("data": [true]) is not a number or a base64 string: refused while reading, by name.
        assertBadRequest(() -> read(KSERVE_EXAMPLE), "input 'input1'");
        String uintOnly = KSERVE_EXAMPLE.replace("""
                ,
                    {
                      "name" : "input1",
                      "shape" : [ 3 ],
                      "datatype" : "BOOL",
                      "data" : [ true ]
                    }""", "");
        assertBadRequest(() -> read(uintOnly), "input 'input0' has datatype 'UINT32'");
    }

    @Test
    void thePublishedExampleWithThisServersDatatypeKeepsIdParametersAndOutputs() {
        String fp32 = KSERVE_EXAMPLE
                .replace("\"UINT32\"", "\"FP32\"")
                .replace("""
                ,
                    {
                      "name" : "input1",
                      "shape" : [ 3 ],
                      "datatype" : "BOOL",
                      "data" : [ true ]
                    }""", "")
                .replace(
                        "\"name\" : \"output0\"",
                        "\"name\" : \"output0\", \"parameters\" : { \"classification\" : 2, \"binary_data\" : true }");
        InferRequest r = read(fp32);
        assertThat(r.id()).isEqualTo("42");
        assertThat(r.inputs()).hasSize(1);
        InferRequest.Input in = r.inputs().get(0);
        assertThat(in.name()).isEqualTo("input0");
        assertThat(in.shape()).containsExactly(2, 2);
        assertThat(in.floats()).containsExactly(1, 2, 3, 4);
        assertThat(r.outputs()).containsExactly(new InferRequest.RequestedOutput("output0", 2, true));
        assertThat(r.binaryDataOutput()).isFalse();
    }

    @Test
    void nestedDataIsFlattenedInRowMajorOrder() {
        InferRequest r = read("""
                {"inputs":[{"name":"x","datatype":"FP32","shape":[2,2],"data":[[1.5,2],[3,-4e-1]]}],
                 "parameters":{"binary_data_output":true,"timeout":250000,"custom":"v"}}""");
        assertThat(r.inputs().get(0).floats()).containsExactly(1.5f, 2f, 3f, -0.4f);
        assertThat(r.binaryDataOutput()).isTrue();
        assertThat(r.timeoutMicros()).isEqualTo(250_000);
        assertThat(r.parameters()).containsEntry("custom", "v");
    }

    @Test
    void bytesElementsAreBase64WithOrWithoutPaddingAndFieldOrderDoesNotMatter() {
        String padded = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4});
        String unpadded = Base64.getEncoder().withoutPadding().encodeToString(new byte[] {9, 8});
        InferRequest r = read("{\"inputs\":[{\"data\":[\"" + padded + "\",\"" + unpadded
                + "\"],\"shape\":[2],\"datatype\":\"BYTES\",\"name\":\"image\"}]}");
        InferRequest.Input in = r.inputs().get(0);
        assertThat(in.elements()).hasSize(2);
        assertThat(in.elements().get(0)).containsExactly(1, 2, 3, 4);
        assertThat(in.elements().get(1)).containsExactly(9, 8);
        assertBadRequest(
                () -> read("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],"
                        + "\"data\":[\"not base64!\"]}]}"),
                "element 0 is not valid base64");
    }

    /** Triton's binary data example (two inputs sent as binary after the JSON), with this server's datatypes. */
    @Test
    void binaryTensorDataFollowsTheJsonInInputOrder() {
        String json = """
                {
                  "model_name" : "mymodel",
                  "inputs" : [
                    { "name" : "input0", "shape" : [ 2, 2 ], "datatype" : "FP32",
                      "parameters" : { "binary_data_size" : 16 } },
                    { "name" : "input1", "shape" : [ 2 ], "datatype" : "BYTES",
                      "parameters" : { "binary_data_size" : 13 } }
                  ],
                  "outputs" : [ { "name" : "output0", "parameters" : { "binary_data" : true } } ]
                }""";
        ByteBuffer fp32 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        fp32.putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        ByteBuffer bytes = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(3).put(new byte[] {7, 7, 7}).putInt(2).put(new byte[] {5, 5});
        byte[] body = concat(json.getBytes(StandardCharsets.UTF_8), fp32.array(), bytes.array());
        int jsonLength = json.getBytes(StandardCharsets.UTF_8).length;
        InferRequest r = READER.read(body, jsonLength);
        assertThat(r.inputs().get(0).floats()).containsExactly(1, 2, 3, 4);
        assertThat(r.inputs().get(1).elements().get(0)).containsExactly(7, 7, 7);
        assertThat(r.inputs().get(1).elements().get(1)).containsExactly(5, 5);
        assertThat(r.outputs().get(0).binaryData()).isTrue();

        assertBadRequest(() -> READER.read(concat(body, new byte[] {0}), jsonLength), "1 bytes follow");
        assertBadRequest(() -> READER.read(body, body.length), "not valid JSON");
        assertBadRequest(() -> READER.read(body, body.length + 1), "out of range");
        byte[] truncated = java.util.Arrays.copyOf(body, body.length - 1);
        assertBadRequest(() -> READER.read(truncated, jsonLength), "only 12 bytes");
    }

    @Test
    void everyInputSetsExactlyOneOfDataAndBinaryDataSize() {
        assertBadRequest(
                () -> read("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1]}]}"),
                "exactly one of 'data' and 'binary_data_size'");
        byte[] body = concat(
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1],"
                        .getBytes(StandardCharsets.UTF_8),
                "\"parameters\":{\"binary_data_size\":4}}]}".getBytes(StandardCharsets.UTF_8));
        assertBadRequest(() -> READER.read(body, body.length), "exactly one of");
    }

    @Test
    void shapesAndDataMustAgree() {
        assertBadRequest(
                () -> read("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,2]}]}"),
                "has 2 elements but its shape needs 3");
        assertBadRequest(
                () -> read("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1],\"data\":[1]}]}"),
                "non-negative integers");
        assertBadRequest(
                () -> read("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[1]}]}"),
                "BYTES 'data' must be base64 strings");
        assertBadRequest(
                () -> read("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[\"AA==\"]}]}"),
                "FP32 'data' must be numbers");
        assertBadRequest(
                () -> read("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1e999]}]}"),
                "NaN or infinite");
    }

    @Test
    void limitsHoldWhileReadingNotAfter() {
        // 193 numbers against a limit of 192: refused as the array grows, whatever the shape says.
        StringBuilder many = new StringBuilder("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[0");
        many.append(",0".repeat(192)).append("],\"shape\":[193]}]}");
        assertBadRequest(() -> read(many.toString()), "more than 192 elements");
        assertBadRequest(
                () -> read("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1000000,"
                        + "1000000,1000000],\"data\":[1]}]}"),
                "more than 192 elements");
        String five = "\"AA==\",".repeat(4) + "\"AA==\"";
        assertBadRequest(
                () -> read(
                        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[5],\"data\":[" + five + "]}]}"),
                "more than 4 elements");
        String big = Base64.getEncoder().encodeToString(new byte[1001]);
        assertThatThrownBy(() -> read("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
                        + big + "\"]}]}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("element 0 exceeds the size limit");
                });
        ByteBuffer lying =
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).putInt(0);
        String json = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[1],"
                + "\"parameters\":{\"binary_data_size\":8}}]}";
        assertThatThrownBy(
                        () -> READER.read(concat(json.getBytes(StandardCharsets.UTF_8), lying.array()), json.length()))
                .isInstanceOfSatisfying(
                        ProtocolException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertBadRequest(
                () -> read("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":" + "[".repeat(40)
                        + "1" + "]".repeat(40) + "}]}"),
                "nesting");
    }

    @Test
    void malformedJsonIsReportedByPositionWithoutEchoingIt() {
        assertThatThrownBy(() -> read("{\"inputs\": [secret-payload]}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage())
                            .contains("not valid JSON (line 1, column")
                            .doesNotContain("secret");
                });
        assertBadRequest(() -> read("[]"), "must be a JSON object");
        assertBadRequest(() -> read("{}"), "no 'inputs'");
        assertBadRequest(
                () -> read("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]} {}"),
                "Unexpected content after");
        assertBadRequest(() -> read("{\"id\":7,\"inputs\":[]}"), "'id' must be a string");
    }

    @Test
    void tritonParametersAreTyped() {
        String in = "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]";
        assertBadRequest(
                () -> read("{" + in + ",\"outputs\":[{\"name\":\"y\",\"parameters\":{\"classification\":-1}}]}"),
                "Unable to set 'classification'");
        assertBadRequest(
                () -> read("{" + in + ",\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":\"yes\"}}]}"),
                "Unable to set 'binary_data'");
        assertBadRequest(
                () -> read("{" + in + ",\"parameters\":{\"binary_data_output\":1}}")
                        .binaryDataOutput(),
                "Unable to parse 'binary_data_output'");
        assertBadRequest(
                () -> read("{" + in + ",\"parameters\":{\"timeout\":\"soon\"}}").timeoutMicros(),
                "Unable to parse 'timeout'");
        assertBadRequest(() -> read("{" + in + ",\"parameters\":{\"nested\":{}}}"), "string, a number or a boolean");
    }

    private static InferRequest read(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return READER.read(body, body.length);
    }

    private static void assertBadRequest(ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
