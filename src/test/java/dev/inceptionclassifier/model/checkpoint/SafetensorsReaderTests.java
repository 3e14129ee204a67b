package dev.inceptionclassifier.model.checkpoint;

import static dev.inceptionclassifier.model.checkpoint.SafetensorsWriter.bf16;
import static dev.inceptionclassifier.model.checkpoint.SafetensorsWriter.f16;
import static dev.inceptionclassifier.model.checkpoint.SafetensorsWriter.f32;
import static dev.inceptionclassifier.model.checkpoint.SafetensorsWriter.i64Scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inceptionclassifier.model.checkpoint.SafetensorsReader.Dtype;
import dev.inceptionclassifier.model.core.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTests {

    @TempDir
    Path dir;

    private static float[] ramp(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(0.37 * i + 0.1) * scale;
        }
        return v;
    }

    @Test
    void readsF32TensorsByNameSkipsBatchCountersAndToleratesMetadata() throws IOException {
        float[] conv = ramp(32 * 3 * 3 * 3, 0.5f);
        float[] bias = ramp(10, 2f);
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(
                file,
                List.of(
                        f32("features.0.conv.weight", new long[] {32, 3, 3, 3}, conv),
                        i64Scalar("features.0.bn.num_batches_tracked", 12345),
                        f32("last_linear.bias", new long[] {10}, bias),
                        f32("scalar", new long[0], new float[] {4.25f}),
                        f32("empty", new long[] {0, 7}, new float[0])),
                Map.of("format", "pt"));

        Map<String, HostTensor> read = SafetensorsReader.read(file);

        assertThat(read).containsOnlyKeys("features.0.conv.weight", "last_linear.bias", "scalar", "empty");
        assertThat(read.get("features.0.conv.weight").shape()).containsExactly(32, 3, 3, 3);
        assertThat(read.get("features.0.conv.weight").data()).containsExactly(conv);
        assertThat(read.get("last_linear.bias").data()).containsExactly(bias);
        assertThat(read.get("scalar").shape()).isEmpty();
        assertThat(read.get("scalar").data()).containsExactly(4.25f);
        assertThat(read.get("empty").shape()).containsExactly(0, 7);
        assertThat(read.get("empty").data()).isEmpty();
        try (FileChannel channel = FileChannel.open(file)) {
            assertThat(SafetensorsReader.readHeader(file, channel).metadata()).isEqualTo(Map.of("format", "pt"));
        }
    }

    @Test
    void keyFilterSkipsTensorsWithoutConvertingThem() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(
                file,
                List.of(
                        f32("a.weight", new long[] {2}, new float[] {1, 2}),
                        f32("classif.weight", new long[] {3, 2}, ramp(6, 1)),
                        SafetensorsWriter.raw("token_ids", Dtype.I32, new long[] {2}, new byte[8])));

        Map<String, HostTensor> read =
                SafetensorsReader.read(file, key -> !key.startsWith("classif.") && !key.equals("token_ids"));

        assertThat(read).containsOnlyKeys("a.weight");
    }

    @Test
    void refusesUnsupportedDtypesNamingTheTensor() throws IOException {
        Path file = dir.resolve("int.safetensors");
        SafetensorsWriter.write(
                file,
                List.of(
                        f32("a.weight", new long[] {2}, new float[] {1, 2}),
                        SafetensorsWriter.raw("a.index", Dtype.I32, new long[] {2}, new byte[8])));

        assertThatThrownBy(() -> SafetensorsReader.read(file))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'a.index' has dtype I32");
    }

    @Test
    void refusesIntegerTensorsThatAreNotBatchCounters() throws IOException {
        Path file = dir.resolve("i64.safetensors");
        SafetensorsWriter.write(file, List.of(i64Scalar("step", 3)));

        assertThatThrownBy(() -> SafetensorsReader.read(file))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("'step' has dtype I64");
    }

    @Test
    void convertsEveryF16BitPatternExactly() throws IOException {
        byte[] raw = new byte[2 * 65536];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int h = 0; h < 65536; h++) {
            b.putShort((short) h);
        }
        Path file = dir.resolve("f16.safetensors");
        SafetensorsWriter.write(file, List.of(SafetensorsWriter.raw("all", Dtype.F16, new long[] {256, 256}, raw)));

        float[] read = SafetensorsReader.read(file).get("all").data();

        for (int h = 0; h < 65536; h++) {
            float expected = referenceHalf(h);
            if (Float.isNaN(expected)) {
                assertThat(read[h]).as("half 0x%04x", h).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(read[h]))
                        .as("half 0x%04x", h)
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
        assertThat(read[0x3c00]).isEqualTo(1.0f);
        assertThat(read[0xc000]).isEqualTo(-2.0f);
        assertThat(read[0x7bff]).isEqualTo(65504f);
        assertThat(read[0x0001]).isEqualTo(0x1p-24f);
        assertThat(read[0x7c00]).isEqualTo(Float.POSITIVE_INFINITY);
    }

    /** binary16 from its definition, independent of the reader's bit manipulation. */
    private static float referenceHalf(int h) {
        int sign = (h & 0x8000) != 0 ? -1 : 1;
        int e = (h >>> 10) & 0x1f;
        int m = h & 0x3ff;
        if (e == 0x1f) {
            return m == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
        }
        double magnitude = e == 0 ? Math.scalb((double) m, -24) : Math.scalb(1.0 + m / 1024.0, e - 15);
        return (float) (sign * magnitude);
    }

    @Test
    void f16AndBf16CheckpointsReadBackWithinTheirPrecision() throws IOException {
        float[] values = new float[4096];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 4));
        }
        Path file = dir.resolve("mixed.safetensors");
        SafetensorsWriter.write(
                file,
                List.of(
                        f16("half", new long[] {64, 64}, values),
                        bf16("brain", new long[] {4096}, values),
                        f32("full", new long[] {4096}, values)));

        Map<String, HostTensor> read = SafetensorsReader.read(file);

        float[] half = read.get("half").data();
        float[] brain = read.get("brain").data();
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            // binary16: 11-bit significand down to 2^-14, then absolute steps of 2^-24
            assertThat((double) half[i])
                    .as("f16 of %s", v)
                    .isCloseTo(v, org.assertj.core.api.Assertions.within(Math.max(Math.abs(v) * 0x1p-11, 0x1p-25)));
            // bfloat16: 8-bit significand
            assertThat((double) brain[i])
                    .as("bf16 of %s", v)
                    .isCloseTo(v, org.assertj.core.api.Assertions.within(Math.abs(v) * 0x1p-8));
        }
        assertThat(read.get("full").data()).containsExactly(values);
        assertThat(read.get("half").shape()).containsExactly(64, 64);
    }

    @Test
    void smallMappingWindowsGiveTheSameTensors() throws IOException {
        float[] big = ramp(1000, 3);
        float[] values = ramp(333, 1);
        Path file = dir.resolve("windows.safetensors");
        SafetensorsWriter.write(
                file,
                List.of(
                        f32("a", new long[] {1000}, big),
                        f16("b", new long[] {333}, values),
                        bf16("c", new long[] {3, 111}, values),
                        i64Scalar("d.num_batches_tracked", 1),
                        f32("e", new long[] {7}, ramp(7, 2))));
        Map<String, HostTensor> whole = SafetensorsReader.read(file);

        // 24-byte windows: tensors span many mappings and are converted piece by piece
        Map<String, HostTensor> pieces = SafetensorsReader.read(file, key -> true, 24);

        assertThat(pieces.keySet()).containsExactlyElementsOf(whole.keySet());
        for (String key : whole.keySet()) {
            assertThat(pieces.get(key).data())
                    .as(key)
                    .containsExactly(whole.get(key).data());
        }
        assertThat(whole.get("a").data()).containsExactly(big);
    }

    @Test
    void bf16KnownValues() {
        assertThat(HalfFloats.bf16ToFloat((short) 0x3f80)).isEqualTo(1.0f);
        assertThat(HalfFloats.bf16ToFloat((short) 0xc020)).isEqualTo(-2.5f);
        assertThat(HalfFloats.bf16ToFloat((short) 0x4049)).isEqualTo(3.140625f);
        assertThat(SafetensorsWriter.floatToBf16((float) Math.PI)).isEqualTo((short) 0x4049);
        assertThat(SafetensorsWriter.floatToF16(1.0f)).isEqualTo((short) 0x3c00);
        assertThat(SafetensorsWriter.floatToF16(65520f)).isEqualTo((short) 0x7c00);
        assertThat(SafetensorsWriter.floatToF16(0x1p-25f)).isEqualTo((short) 0);
        assertThat(SafetensorsWriter.floatToF16(0x1.8p-25f)).isEqualTo((short) 1);
    }

    // ---- malformed files: each must fail naming the file and the problem ----

    private Path validFile() throws IOException {
        Path file = dir.resolve("valid.safetensors");
        SafetensorsWriter.write(
                file,
                List.of(
                        i64Scalar("bn.num_batches_tracked", 0),
                        f32("conv.weight", new long[] {4, 3, 3, 3}, ramp(108, 1)),
                        f32("bn.weight", new long[] {4}, ramp(4, 1))));
        return file;
    }

    /** A file with the given header JSON (padded) and {@code dataBytes} zero bytes of data. */
    private Path withHeader(String json, int dataBytes) throws IOException {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + j.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(j.length).put(j);
        Path file = dir.resolve("crafted.safetensors");
        Files.write(file, b.array());
        return file;
    }

    private static void assertFails(Path file, String... fragments) {
        var failure = assertThatThrownBy(() -> SafetensorsReader.read(file))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(file.toString());
        for (String f : fragments) {
            failure.hasMessageContaining(f);
        }
    }

    @Test
    void truncatedFileFailsClearly() throws IOException {
        Path file = validFile();
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 10));

        assertFails(file, "truncated", "'conv.weight'");
    }

    @Test
    void fileCutInsideTheHeaderFailsClearly() throws IOException {
        Path file = validFile();
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 40));

        assertFails(file, "truncated", "header length");
    }

    @Test
    void tinyAndNonSafetensorsFilesFail() throws IOException {
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertFails(tiny, "less than the 8-byte header length");

        Path zip = dir.resolve("pytorch_model.bin");
        Files.write(zip, "PK\u0003\u0004 this is a zip archive, not safetensors".getBytes(StandardCharsets.ISO_8859_1));
        assertFails(zip, "header length");

        assertFails(withHeader("[1, 2]   ", 0), "does not start with '{'");
    }

    @Test
    void absurdHeaderLengthFails() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(SafetensorsReader.MAX_HEADER_BYTES + 1);
        Files.write(file, b.array());

        assertFails(file, "header length " + (SafetensorsReader.MAX_HEADER_BYTES + 1));
    }

    @Test
    void corruptHeaderJsonFails() throws IOException {
        Path file = validFile();
        byte[] all = Files.readAllBytes(file);
        all[20] = '}'; // inside the first key's JSON
        all[21] = '"';
        Files.write(file, all);

        assertFails(file, "corrupt safetensors header");
    }

    @Test
    void headerStructureIsValidated() throws IOException {
        assertFails(
                withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}", 4),
                "'a' spans 4 bytes but F32 [2] needs 8");
        assertFails(
                withHeader("{\"a\": {\"dtype\": \"F99\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4),
                "'a' has unknown dtype 'F99'");
        assertFails(
                withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", 4),
                "not a non-negative integer");
        assertFails(withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [1]}}", 4), "two data_offsets");
        assertFails(
                withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}", 4),
                "end before they begin");
        assertFails(
                withHeader(
                        "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                                + " \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}",
                        8),
                "corrupt",
                "Duplicate");
        assertFails(withHeader("{\"__metadata__\": {\"n\": 3}}", 0), "__metadata__ value 'n'");
        assertFails(
                withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}} x", 4),
                "corrupt safetensors header");
    }

    @Test
    void offsetsMustTileTheDataRegion() throws IOException {
        assertFails(
                withHeader(
                        "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                                + " \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}",
                        8),
                "'a' and 'b' overlap");
        assertFails(
                withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8),
                "4 unused bytes before tensor 'a'");
        assertFails(
                withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 12),
                "8 bytes after the last tensor");
        assertFails(
                withHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 12),
                "truncated: tensor 'a' needs data bytes 0..16",
                "only 12 data bytes");
    }

    @Test
    void readsTheLayoutTheSafetensorsLibraryWrites() throws IOException {
        // Built by hand after the documented layout of safetensors.torch.save_file({"b": torch.tensor([1.5, -2.0]),
        // "a.num_batches_tracked": torch.tensor(0)}): compact JSON, I64 before F32, then by name, space-padded.
        String json = "{\"a.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json.getBytes(StandardCharsets.UTF_8));
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        b.putLong(0).putFloat(1.5f).putFloat(-2.0f);
        Path file = dir.resolve("lib.safetensors");
        Files.write(file, b.array());

        Map<String, HostTensor> read = SafetensorsReader.read(file);

        assertThat(read).containsOnlyKeys("b");
        assertThat(read.get("b").data()).containsExactly(1.5f, -2.0f);
    }
}
