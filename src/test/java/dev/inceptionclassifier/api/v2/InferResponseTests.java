package dev.inceptionclassifier.api.v2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Response encoding against the published response examples: KServe's (output0, shape [3, 2], FP32 data) and
 * Triton's binary one (the JSON says {@code binary_data_size: 24}; the 24 bytes follow it).
 */
class InferResponseTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final float[] DATA = {1.0f, 1.1f, 2.0f, 2.1f, 3.0f, 3.1f};

    @Test
    void jsonOutputsMatchThePublishedResponse() {
        var r = new InferResponse(
                        "mymodel",
                        "1",
                        "42",
                        Map.of(),
                        List.of(new InferResponse.Output(
                                "output0", Datatypes.FP32, new long[] {3, 2}, DATA, null, false)))
                .encode();
        assertThat(r.hasBinary()).isFalse();
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.get("id").asString()).isEqualTo("42");
        JsonNode out = json.get("outputs").get(0);
        assertThat(out.get("name").asString()).isEqualTo("output0");
        assertThat(out.get("datatype").asString()).isEqualTo("FP32");
        assertThat(out.get("shape").toString()).isEqualTo("[3,2]");
        assertThat(out.get("data").toString()).isEqualTo("[1.0,1.1,2.0,2.1,3.0,3.1]");
        assertThat(json.has("parameters")).isFalse();
    }

    @Test
    void binaryOutputsFollowTheJsonWithTheirSize() {
        var r = new InferResponse(
                        "mymodel",
                        "1",
                        null,
                        Map.of("random_weights", true),
                        List.of(
                                new InferResponse.Output(
                                        "output0", Datatypes.FP32, new long[] {3, 2}, DATA, null, true),
                                new InferResponse.Output(
                                        "labels",
                                        Datatypes.BYTES,
                                        new long[] {1, 2},
                                        null,
                                        List.of("0.5:1:a", "é"),
                                        true)))
                .encode();
        assertThat(r.hasBinary()).isTrue();
        JsonNode json = JSON.readTree(Arrays.copyOf(r.body(), r.jsonLength()));
        assertThat(json.has("id")).isFalse();
        assertThat(json.get("parameters").get("random_weights").asBoolean()).isTrue();
        JsonNode out = json.get("outputs").get(0);
        assertThat(out.has("data")).isFalse();
        assertThat(out.get("parameters").get("binary_data_size").asInt()).isEqualTo(24);
        ByteBuffer tail = ByteBuffer.wrap(r.body(), r.jsonLength(), r.body().length - r.jsonLength())
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] floats = new float[6];
        tail.asFloatBuffer().get(floats);
        assertThat(floats).containsExactly(DATA);
        tail.position(24);
        assertThat(json.get("outputs")
                        .get(1)
                        .get("parameters")
                        .get("binary_data_size")
                        .asInt())
                .isEqualTo(4 + 7 + 4 + 2);
        assertThat(tail.getInt()).isEqualTo(7);
        byte[] first = new byte[7];
        tail.get(first);
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("0.5:1:a");
        assertThat(tail.getInt()).isEqualTo(2);
        assertThat(tail.remaining()).isEqualTo(2);
    }
}
