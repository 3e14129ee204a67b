package dev.inceptionclassifier.model.checkpoint;

import dev.inceptionclassifier.model.checkpoint.SafetensorsReader.Dtype;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes safetensors files the way the safetensors library does (tensors sorted by dtype, descending in its dtype
 * enum, then by name; header space-padded to a multiple of 8), so tests can build checkpoints with timm's key names.
 */
final class SafetensorsWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SafetensorsWriter() {}

    /** One tensor to write; {@code values} are encoded as {@code dtype} while writing, or {@code raw} is copied. */
    record Tensor(String name, Dtype dtype, long[] shape, float[] values, long[] longs, byte[] raw) {

        long bytes() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n * dtype.size;
        }
    }

    static Tensor f32(String name, long[] shape, float[] values) {
        return new Tensor(name, Dtype.F32, shape, values, null, null);
    }

    static Tensor f16(String name, long[] shape, float[] values) {
        return new Tensor(name, Dtype.F16, shape, values, null, null);
    }

    static Tensor bf16(String name, long[] shape, float[] values) {
        return new Tensor(name, Dtype.BF16, shape, values, null, null);
    }

    /** A 0-d I64, like BatchNorm's num_batches_tracked. */
    static Tensor i64Scalar(String name, long value) {
        return new Tensor(name, Dtype.I64, new long[0], null, new long[] {value}, null);
    }

    /** Bytes as they are, for dtypes the writer does not encode. */
    static Tensor raw(String name, Dtype dtype, long[] shape, byte[] raw) {
        return new Tensor(name, dtype, shape, null, null, raw);
    }

    static void write(Path file, List<Tensor> tensors) throws IOException {
        write(file, tensors, null);
    }

    static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<Tensor> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparing((Tensor t) -> t.dtype().ordinal())
                .reversed()
                .thenComparing(Tensor::name));
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Tensor t : sorted) {
            ObjectNode entry = header.putObject(t.name());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + t.bytes());
            offset += t.bytes();
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        try (FileChannel out = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, head.flip());
            for (Tensor t : sorted) {
                writeFully(out, encode(t));
            }
        }
    }

    private static ByteBuffer encode(Tensor t) {
        if (t.raw() != null) {
            return ByteBuffer.wrap(t.raw());
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(t.bytes())).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case F32 -> b.asFloatBuffer().put(t.values());
            case F16 -> {
                for (float v : t.values()) {
                    b.putShort(floatToF16(v));
                }
            }
            case BF16 -> {
                for (float v : t.values()) {
                    b.putShort(floatToBf16(v));
                }
            }
            case I64 -> b.asLongBuffer().put(t.longs());
            default -> throw new IllegalArgumentException("cannot encode " + t.dtype());
        }
        return b.rewind();
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** float32 to IEEE binary16, rounding to nearest even. */
    static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 112;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >> shift;
            int rem = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++; // a carry into the exponent is the correct result, up to infinity
        }
        return (short) (sign | half);
    }

    /** float32 to bfloat16, rounding to nearest even. */
    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        bits += 0x7fff + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }
}
