package dev.inceptionclassifier.model.checkpoint;

import dev.inceptionclassifier.model.core.HostTensor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a <a href="https://github.com/huggingface/safetensors">safetensors</a> file (timm's {@code model.safetensors})
 * into float32 {@link HostTensor}s, with no Python involved.
 *
 * <p>Layout: a little-endian u64 header length N, N bytes of JSON {@code {name: {dtype, shape, data_offsets: [begin,
 * end]}, "__metadata__": {...}}} with offsets relative to the end of the header, then the raw little-endian data. The
 * header is checked as strictly as the safetensors library does (tensors must tile the data region exactly), so a
 * truncated or corrupted file fails with a {@link CheckpointFormatException} that names the file and the problem
 * instead of yielding garbage weights.
 *
 * <p>F32, F16 and BF16 tensors are converted to float32. BatchNorm's integer {@code num_batches_tracked} counters
 * (I64 scalars in every timm checkpoint) are validated and skipped: they play no part in inference. Any other dtype is
 * refused unless the caller's key filter excludes it.
 */
public final class SafetensorsReader {

    /** The safetensors library's own limit on the header size. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** The largest Java array the JVM reliably allocates. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final int CONVERT_CHUNK = 1 << 14;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SafetensorsReader() {}

    /** Element types of the safetensors format, with their size in bytes. */
    enum Dtype {
        BOOL(1),
        U8(1),
        I8(1),
        F8_E5M2(1),
        F8_E4M3(1),
        I16(2),
        U16(2),
        F16(2),
        BF16(2),
        I32(4),
        U32(4),
        F32(4),
        F64(8),
        I64(8),
        U64(8);

        final int size;

        Dtype(int size) {
            this.size = size;
        }

        boolean isFloat32Convertible() {
            return this == F32 || this == F16 || this == BF16;
        }
    }

    /** One header entry; {@code begin} and {@code end} are relative to the start of the data region. */
    record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {

        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** The parsed and validated header: entries sorted by offset, and where the data region starts in the file. */
    record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {}

    /** Reads every float tensor of {@code file}; see {@link #read(Path, Predicate)}. */
    public static Map<String, HostTensor> read(Path file) throws IOException {
        return read(file, key -> true);
    }

    /**
     * Reads the float tensors of {@code file} whose key {@code include} accepts, in file order. Keys it rejects are
     * neither converted nor type-checked (the whole header is still validated).
     *
     * @throws CheckpointFormatException when the file is not a valid safetensors file or holds an unsupported dtype
     * @throws IOException when the file cannot be read
     */
    public static Map<String, HostTensor> read(Path file, Predicate<String> include) throws IOException {
        return read(file, include, DataMap.WINDOW);
    }

    /** {@link #read(Path, Predicate)} with mapping windows of {@code window} bytes (a multiple of 8). */
    static Map<String, HostTensor> read(Path file, Predicate<String> include, long window) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(file, channel);
            DataMap data = new DataMap(channel, header.dataStart(), channel.size() - header.dataStart(), window);
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Entry e : header.entries()) {
                if (!include.test(e.name())) {
                    continue;
                }
                if (!e.dtype().isFloat32Convertible()) {
                    if (isBatchCounter(e)) {
                        continue;
                    }
                    throw new CheckpointFormatException(
                            file,
                            "tensor '" + e.name() + "' has dtype " + e.dtype()
                                    + "; only F32, F16 and BF16 are supported (and I64 for BatchNorm num_batches_tracked)");
                }
                tensors.put(e.name(), new HostTensor(e.shape(), convert(data, e)));
            }
            return tensors;
        }
    }

    /** BatchNorm's step counter: a 0-d (or one-element) integer tensor, used only in training. */
    private static boolean isBatchCounter(Entry e) {
        return (e.name().equals("num_batches_tracked") || e.name().endsWith(".num_batches_tracked"))
                && (e.dtype() == Dtype.I64 || e.dtype() == Dtype.I32)
                && e.elements() == 1;
    }

    private static float[] convert(DataMap data, Entry e) throws IOException {
        float[] out = new float[(int) e.elements()];
        int size = e.dtype().size;
        int perPiece = (int) (data.window / size);
        for (int off = 0; off < out.length; off += perPiece) {
            int n = Math.min(perPiece, out.length - off);
            ByteBuffer bytes = data.slice(e.begin() + (long) off * size, (long) n * size);
            switch (e.dtype()) {
                case F32 -> bytes.asFloatBuffer().get(out, off, n);
                case F16 -> convertHalves(bytes.asShortBuffer(), out, off, n, false);
                case BF16 -> convertHalves(bytes.asShortBuffer(), out, off, n, true);
                default -> throw new IllegalStateException("not a float dtype: " + e.dtype());
            }
        }
        return out;
    }

    private static void convertHalves(ShortBuffer halves, float[] out, int offset, int count, boolean bf16) {
        short[] chunk = new short[Math.min(CONVERT_CHUNK, count)];
        for (int done = 0; done < count; done += chunk.length) {
            int n = Math.min(chunk.length, count - done);
            halves.get(chunk, 0, n);
            for (int i = 0; i < n; i++) {
                out[offset + done + i] = bf16 ? HalfFloats.bf16ToFloat(chunk[i]) : HalfFloats.f16ToFloat(chunk[i]);
            }
        }
    }

    /**
     * Read-only mappings of the data region, one window (up to 1 GiB) at a time, so a whole checkpoint is usually a
     * single mapping. Tensors are copied from the mapping straight into their arrays: the page cache is the only
     * other copy of the bytes.
     */
    private static final class DataMap {

        static final long WINDOW = 1L << 30;

        private final FileChannel channel;
        private final long window;
        private final long dataStart;
        private final long dataSize;
        private MappedByteBuffer mapped;
        private long mappedBegin;
        private long mappedEnd;

        DataMap(FileChannel channel, long dataStart, long dataSize, long window) {
            this.channel = channel;
            this.window = window;
            this.dataStart = dataStart;
            this.dataSize = dataSize;
        }

        /** Bytes {@code begin .. begin + length} of the data region; {@code length} is at most the window size. */
        ByteBuffer slice(long begin, long length) throws IOException {
            if (mapped == null || begin < mappedBegin || begin + length > mappedEnd) {
                long size = Math.min(window, dataSize - begin);
                mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, size);
                // the reader copies (nearly) all of it: fault it in up front rather than page by page
                mapped.load();
                mappedBegin = begin;
                mappedEnd = begin + size;
            }
            return mapped.slice((int) (begin - mappedBegin), (int) length).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Reads and validates the header of {@code file}. */
    static Header readHeader(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new CheckpointFormatException(
                    file, "not a safetensors file: only " + fileSize + " bytes, less than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(
                    file,
                    "not a safetensors file: header length " + headerLength + " is outside 2.." + MAX_HEADER_BYTES
                            + " bytes");
        }
        if (headerLength > fileSize - 8) {
            throw new CheckpointFormatException(
                    file,
                    "truncated: header length " + headerLength + " exceeds the " + (fileSize - 8)
                            + " bytes after the length field");
        }
        ByteBuffer json = ByteBuffer.allocate((int) headerLength);
        readFully(channel, json, 8);
        if (json.get(0) != '{') {
            throw new CheckpointFormatException(file, "not a safetensors file: the header does not start with '{'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json.array());
        } catch (JacksonException ex) {
            throw new CheckpointFormatException(file, "corrupt safetensors header: " + ex.getOriginalMessage(), ex);
        }
        long dataStart = 8 + headerLength;
        Header header = parseHeader(file, root, dataStart);
        checkLayout(file, header.entries(), fileSize - dataStart);
        return header;
    }

    private static Header parseHeader(Path file, JsonNode root, long dataStart) throws CheckpointFormatException {
        if (!root.isObject()) {
            throw new CheckpointFormatException(file, "corrupt safetensors header: not a JSON object");
        }
        List<Entry> entries = new ArrayList<>(root.size());
        Map<String, String> metadata = Map.of();
        for (Map.Entry<String, JsonNode> property : root.properties()) {
            String name = property.getKey();
            JsonNode node = property.getValue();
            if (name.equals("__metadata__")) {
                metadata = parseMetadata(file, node);
            } else {
                entries.add(parseEntry(file, name, node));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        return new Header(List.copyOf(entries), metadata, dataStart);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) throws CheckpointFormatException {
        if (!node.isObject()) {
            throw new CheckpointFormatException(file, "corrupt safetensors header: __metadata__ is not an object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : node.properties()) {
            if (!p.getValue().isString()) {
                throw new CheckpointFormatException(
                        file, "corrupt safetensors header: __metadata__ value '" + p.getKey() + "' is not a string");
            }
            metadata.put(p.getKey(), p.getValue().stringValue());
        }
        return Map.copyOf(metadata);
    }

    private static Entry parseEntry(Path file, String name, JsonNode node) throws CheckpointFormatException {
        String where = "corrupt safetensors header: tensor '" + name + "' ";
        if (!node.isObject()) {
            throw new CheckpointFormatException(file, where + "is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsetsNode = node.get("data_offsets");
        if (dtypeNode == null
                || !dtypeNode.isString()
                || shapeNode == null
                || !shapeNode.isArray()
                || offsetsNode == null
                || !offsetsNode.isArray()
                || offsetsNode.size() != 2) {
            throw new CheckpointFormatException(
                    file, where + "needs a string dtype, an array shape and two data_offsets");
        }
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(dtypeNode.stringValue());
        } catch (IllegalArgumentException ex) {
            throw new CheckpointFormatException(
                    file,
                    "tensor '" + name + "' has unknown dtype '" + dtypeNode.stringValue() + "'; known: "
                            + Arrays.toString(Dtype.values()));
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(file, where + "shape", shapeNode.get(i));
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException ex) {
                throw new CheckpointFormatException(file, where + "has an overflowing shape " + shapeNode);
            }
        }
        if (elements > MAX_ELEMENTS) {
            throw new CheckpointFormatException(
                    file, "tensor '" + name + "' has " + elements + " elements, more than a Java array holds");
        }
        long begin = nonNegativeLong(file, where + "data_offsets", offsetsNode.get(0));
        long end = nonNegativeLong(file, where + "data_offsets", offsetsNode.get(1));
        if (end < begin) {
            throw new CheckpointFormatException(
                    file, where + "has data_offsets [" + begin + ", " + end + "] that end before they begin");
        }
        long expected = elements * dtype.size;
        if (end - begin != expected) {
            throw new CheckpointFormatException(
                    file,
                    where + "spans " + (end - begin) + " bytes but " + dtype + " " + Arrays.toString(shape) + " needs "
                            + expected);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long nonNegativeLong(Path file, String what, JsonNode n) throws CheckpointFormatException {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new CheckpointFormatException(file, what + " holds " + n + ", not a non-negative integer");
        }
        return n.longValue();
    }

    /** The tensors must tile the data region exactly, as the safetensors library requires. */
    private static void checkLayout(Path file, List<Entry> sorted, long dataSize) throws CheckpointFormatException {
        long position = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.end() > dataSize) {
                throw new CheckpointFormatException(
                        file,
                        "truncated: tensor '" + e.name() + "' needs data bytes " + e.begin() + ".." + e.end()
                                + " but the file holds only " + dataSize + " data bytes");
            }
            if (e.begin() < position) {
                throw new CheckpointFormatException(
                        file,
                        "corrupt safetensors header: tensors '" + previous.name() + "' and '" + e.name() + "' overlap");
            }
            if (e.begin() > position) {
                throw new CheckpointFormatException(
                        file,
                        "corrupt safetensors header: " + (e.begin() - position) + " unused bytes before tensor '"
                                + e.name() + "'");
            }
            position = e.end();
            previous = e;
        }
        if (position != dataSize) {
            throw new CheckpointFormatException(
                    file,
                    "corrupt safetensors file: " + (dataSize - position)
                            + " bytes after the last tensor that no header entry describes");
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new EOFException("unexpected end of file");
            }
        }
    }
}
