package dev.inceptionclassifier.model.checkpoint;

import dev.inceptionclassifier.model.checkpoint.RestrictedUnpickler.Global;
import dev.inceptionclassifier.model.checkpoint.RestrictedUnpickler.Kind;
import dev.inceptionclassifier.model.checkpoint.RestrictedUnpickler.PickleException;
import dev.inceptionclassifier.model.checkpoint.RestrictedUnpickler.PyBytes;
import dev.inceptionclassifier.model.checkpoint.RestrictedUnpickler.PyDict;
import dev.inceptionclassifier.model.checkpoint.RestrictedUnpickler.PyTuple;
import dev.inceptionclassifier.model.core.HostTensor;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Predicate;
import java.util.zip.CRC32;

/**
 * Reads a PyTorch state dict saved with {@code torch.save} ({@code .pth}, {@code .pt}, {@code .bin}) into float32
 * {@link HostTensor}s, with no Python involved and with the semantics of {@code torch.load(weights_only=True)}: the
 * pickle inside is read by a {@link RestrictedUnpickler} that accepts only tensor rebuild functions, storages and
 * {@code OrderedDict}, and executes nothing.
 *
 * <p>Both container formats are read:
 * <ul>
 * <li>the zip archive of torch 1.6 and later: {@code <name>/data.pkl}, one stored (uncompressed) entry
 * {@code <name>/data/<key>} per storage, {@code <name>/version} and, from torch 2.1, {@code <name>/byteorder};</li>
 * <li>the legacy format of early 2017 to torch 1.5 (and {@code _use_new_zipfile_serialization=False}): five
 * pickles (magic number, protocol 1001, system info, the object, the storage keys), then each storage as a
 * little-endian int64 element count followed by its raw bytes. Pre-0.4 tensor pickles ({@code torch.FloatTensor}
 * + BUILD, {@code _rebuild_tensor}) and Python 2 strings are understood.</li>
 * </ul>
 * The file is memory-mapped and each tensor is copied from the mapping straight into its float array, so the heap holds
 * little more than the result. Zip entries are checked against their CRC-32 (torch itself does not), storage sizes
 * against what each tensor's shape, stride and offset need, and the total number of values against the file size, so
 * shared storages and broadcast views cannot blow a small file up into gigabytes.
 *
 * <p>The file may hold the state dict itself ({@code torch.save(model.state_dict())}) or a dict wrapping it under
 * {@code "state_dict"} or, failing that, {@code "model"} (training checkpoints: the other entries, e.g. epoch or
 * optimizer state, are read under the same restrictions but not materialised). Keys are returned as saved: a
 * {@code module.} prefix from {@code DataParallel} is not stripped.
 *
 * <p>F32, F16, BF16 and F64 tensors are converted to float32 (F64 rounded to nearest, as {@code tensor.float()} does);
 * non-contiguous views are materialised row-major; BatchNorm's integer {@code num_batches_tracked} counters are
 * validated and skipped, as in {@link SafetensorsReader}. Any other dtype is refused unless the key filter excludes it.
 */
public final class PthReader {

    /** The largest Java array the JVM reliably allocates. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /**
     * The tensors of a file may hold at most as many values as the file has bytes, plus this: room for shared storages,
     * broadcast (stride 0) views and tiny files, but no way to make a small file demand gigabytes of heap.
     */
    static final long EXTRA_ELEMENTS = 1L << 20;

    /** Wrapper keys of training checkpoints, in the order they are tried (timm's order). */
    static final List<String> WRAPPER_KEYS = List.of("state_dict", "model");

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;
    private static final long WINDOW = 1L << 30;
    private static final int CONVERT_CHUNK = 1 << 14;

    private PthReader() {}

    /** Reads every float tensor of the state dict in {@code file}; see {@link #read(Path, Predicate)}. */
    public static Map<String, HostTensor> read(Path file) throws IOException {
        return read(file, key -> true);
    }

    /**
     * Reads the float tensors whose key {@code include} accepts, in the state dict's order. Keys it rejects are neither
     * converted nor type-checked (their shapes and storages are still validated).
     *
     * @throws CheckpointFormatException when the file is not a readable state dict, refers to a global outside the
     *         allow-list, or holds an unsupported dtype
     * @throws IOException when the file cannot be read
     */
    public static Map<String, HostTensor> read(Path file, Predicate<String> include) throws IOException {
        return read(file, include, WINDOW);
    }

    /** {@link #read(Path, Predicate)} with mapping windows of {@code window} bytes (at least 16). */
    static Map<String, HostTensor> read(Path file, Predicate<String> include, long window) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Windows data = new Windows(channel, window);
            Object root = switch (detect(file, channel)) {
                case ZIP -> unpickleZip(file, channel, data);
                case LEGACY -> unpickleLegacy(file, channel);
            };
            return materialise(file, stateDict(file, root), include, data, channel.size());
        }
    }

    private enum Format {
        ZIP,
        LEGACY
    }

    private static Format detect(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer head = readAt(channel, 0, (int) Math.min(size, 262));
        if (size >= 4
                && head.get(0) == 'P'
                && head.get(1) == 'K'
                && ((head.get(2) == 3 && head.get(3) == 4) || (head.get(2) == 5 && head.get(3) == 6))) {
            return Format.ZIP;
        }
        if (size >= 1 && (head.get(0) & 0xff) == 0x80) {
            return Format.LEGACY;
        }
        if (size >= 262 && "ustar".equals(new String(head.array(), 257, 5, StandardCharsets.US_ASCII))) {
            throw new CheckpointFormatException(
                    file,
                    "a tar archive: the tar-based format of PyTorch's first releases"
                            + " (replaced in early 2017) is not supported; re-save it with torch.save");
        }
        throw new CheckpointFormatException(
                file,
                size == 0
                        ? "empty file"
                        : "not a PyTorch checkpoint: neither a torch.save zip archive nor the legacy pickle format");
    }

    // ---- the zip format ----

    private static Object unpickleZip(Path file, FileChannel channel, Windows data) throws IOException {
        StoredZip zip = StoredZip.read(file, channel);
        if (zip.entries().isEmpty()) {
            throw new CheckpointFormatException(file, "an empty zip archive, not a torch.save checkpoint");
        }
        String first = zip.entries().keySet().iterator().next();
        int slash = first.indexOf('/');
        if (slash <= 0) {
            throw new CheckpointFormatException(
                    file, "not a torch.save archive: entry '" + first + "' is not inside a top-level folder");
        }
        String prefix = first.substring(0, slash + 1);
        for (String name : zip.entries().keySet()) {
            if (!name.startsWith(prefix)) {
                throw new CheckpointFormatException(
                        file, "not a torch.save archive: entry '" + name + "' is outside '" + prefix + "'");
            }
            if (name.equals(prefix + "constants.pkl") || name.startsWith(prefix + "code/")) {
                throw new CheckpointFormatException(
                        file,
                        "a TorchScript archive (torch.jit.save), not a state dict"
                                + " saved with torch.save; load it as TorchScript instead");
            }
        }
        StoredZip.Entry pkl = zip.get(prefix + "data.pkl");
        if (pkl == null) {
            throw new CheckpointFormatException(file, "not a torch.save archive: no " + prefix + "data.pkl");
        }
        for (StoredZip.Entry e : zip.entries().values()) {
            if (!e.isStored()) {
                throw new CheckpointFormatException(
                        file,
                        "zip entry '" + e.name() + "' is compressed (method "
                                + e.method()
                                + "); torch.save stores entries uncompressed, and this reader reads only stored"
                                + " entries (re-save the checkpoint with torch.save)");
            }
        }
        checkVersion(file, channel, zip, prefix);
        StoredZip.Entry byteorder = zip.get(prefix + "byteorder");
        if (byteorder != null) {
            String order = smallText(file, channel, byteorder);
            if (!order.equals("little")) {
                throw new CheckpointFormatException(
                        file, "byteorder is '" + order + "'; only little-endian checkpoints are supported");
            }
        }
        if (pkl.size() > RestrictedUnpickler.MAX_BYTES) {
            throw new CheckpointFormatException(
                    file,
                    prefix + "data.pkl has " + pkl.size() + " bytes, more than the "
                            + (RestrictedUnpickler.MAX_BYTES >> 20) + " MiB this reader accepts");
        }
        ByteBuffer pickle = channel.map(FileChannel.MapMode.READ_ONLY, pkl.dataOffset(), pkl.size());
        checkCrc(file, pkl.name(), data, pkl.dataOffset(), pkl.size(), pkl.crc());
        Map<String, PthStorage.Root> roots = new HashMap<>();
        RestrictedUnpickler.PersistentLoader loader = pid -> zipStorage(pid, zip, prefix, roots);
        try {
            return new RestrictedUnpickler(pickle, loader).load();
        } catch (PickleException ex) {
            throw new CheckpointFormatException(file, prefix + "data.pkl " + ex.getMessage());
        }
    }

    /** ('storage', storage_type, key, location, numel): entry {@code data/<key>} holds numel elements. */
    private static PthStorage zipStorage(PyTuple pid, StoredZip zip, String prefix, Map<String, PthStorage.Root> roots)
            throws PickleException {
        if (pid.size() != 5) {
            throw new PickleException("a storage persistent id of " + pid.size() + " values; the zip format has 5");
        }
        PthDtype dtype = storageType(pid.get(1));
        String key = text(pid.get(2), "storage key");
        text(pid.get(3), "storage location");
        long numel = count(pid.get(4), "storage size", dtype);
        PthStorage.Root root = roots.get(key);
        if (root == null) {
            StoredZip.Entry entry = zip.get(prefix + "data/" + key);
            if (entry == null) {
                throw new PickleException("storage '" + key + "' has no entry " + prefix + "data/" + key);
            }
            if (entry.size() != numel * dtype.size) {
                throw new PickleException("storage '" + key + "' is declared as " + numel + " " + dtype
                        + " elements (" + numel * dtype.size + " bytes) but its entry holds " + entry.size()
                        + " bytes");
            }
            root = new PthStorage.Root(key, dtype, numel, entry.crc() == 0 ? null : entry.crc());
            root.locate(entry.dataOffset());
            roots.put(key, root);
        } else if (root.dtype != dtype || root.numel != numel) {
            throw new PickleException("storage '" + key + "' is declared twice, as " + root.numel + " " + root.dtype
                    + " and as " + numel + " " + dtype);
        }
        return new PthStorage(root, 0, numel);
    }

    private static void checkVersion(Path file, FileChannel channel, StoredZip zip, String prefix) throws IOException {
        StoredZip.Entry version = zip.get(prefix + ".data/version");
        if (version == null) {
            version = zip.get(prefix + "version");
        }
        if (version == null) {
            throw new CheckpointFormatException(file, "not a torch.save archive: no " + prefix + "version");
        }
        String text = smallText(file, channel, version);
        if (!text.matches("[1-9][0-9]{0,2}")) {
            throw new CheckpointFormatException(file, "unreadable archive version '" + text + "'");
        }
    }

    private static String smallText(Path file, FileChannel channel, StoredZip.Entry entry) throws IOException {
        if (entry.size() > 64) {
            throw new CheckpointFormatException(
                    file, entry.name() + " has " + entry.size() + " bytes; expected a short text");
        }
        ByteBuffer b = readAt(channel, entry.dataOffset(), (int) entry.size());
        return new String(b.array(), StandardCharsets.US_ASCII).strip();
    }

    // ---- the legacy format ----

    private static Object unpickleLegacy(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        ByteBuffer head = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(fileSize, Integer.MAX_VALUE));
        RestrictedUnpickler.PersistentLoader none = pid -> {
            throw new PickleException("a persistent id in a header pickle");
        };
        Object magic = legacyPickle(file, head, none, "magic number");
        if (!LEGACY_MAGIC.equals(magic)) {
            throw new CheckpointFormatException(
                    file, "not a PyTorch checkpoint: a pickle without torch.save's magic number");
        }
        Object protocol = legacyPickle(file, head, none, "protocol version");
        if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol)) {
            throw new CheckpointFormatException(
                    file,
                    "legacy protocol version " + RestrictedUnpickler.typeName(protocol) + " " + protocol + "; only "
                            + LEGACY_PROTOCOL + " exists");
        }
        // The system info (byte order, C type sizes) is ignored, as torch does: storages are always written
        // little-endian, and their element sizes follow from their dtypes.
        legacyPickle(file, head, none, "system info");
        Map<String, PthStorage.Root> roots = new LinkedHashMap<>();
        Map<String, PthStorage> views = new HashMap<>();
        Object result = legacyPickle(file, head, pid -> legacyStorage(pid, roots, views), "object pickle");
        Object keys = legacyPickle(file, head, none, "storage key list");
        if (!(keys instanceof List<?> keyList)) {
            throw new CheckpointFormatException(
                    file, "the storage key list is " + RestrictedUnpickler.article(keys) + ", not a list");
        }
        long position = head.position();
        Map<String, PthStorage.Root> pending = new HashMap<>(roots);
        for (Object k : keyList) {
            if (!(k instanceof String key)) {
                throw new CheckpointFormatException(file, "a storage key is " + RestrictedUnpickler.article(k));
            }
            PthStorage.Root root = pending.remove(key);
            if (root == null) {
                throw new CheckpointFormatException(
                        file,
                        roots.containsKey(key)
                                ? "storage '" + key + "' is listed twice"
                                : "storage '" + key + "' is listed but no tensor refers to it");
            }
            if (position > fileSize - 8) {
                throw new CheckpointFormatException(
                        file,
                        "truncated: the data of storage '" + key + "' would start at byte " + position + " of "
                                + fileSize);
            }
            long numel = readAt(channel, position, 8).getLong(0);
            if (numel != root.numel) {
                throw new CheckpointFormatException(
                        file,
                        "storage '" + key + "' holds " + numel + " elements but is declared as " + root.numel + " "
                                + root.dtype + " elements");
            }
            long start = position + 8;
            if (root.byteLength() > fileSize - start) {
                throw new CheckpointFormatException(
                        file,
                        "truncated: storage '" + key + "' needs " + root.byteLength() + " bytes from byte " + start
                                + " but the file has " + fileSize);
            }
            root.locate(start);
            position = start + root.byteLength();
        }
        if (!pending.isEmpty()) {
            throw new CheckpointFormatException(
                    file, "storage '" + pending.keySet().iterator().next() + "' is referred to but has no data");
        }
        // like torch, bytes after the last storage are ignored
        return result;
    }

    private static Object legacyPickle(
            Path file, ByteBuffer head, RestrictedUnpickler.PersistentLoader loader, String what)
            throws CheckpointFormatException {
        RestrictedUnpickler unpickler = new RestrictedUnpickler(head, loader);
        try {
            Object value = unpickler.load();
            head.position(unpickler.position());
            return value;
        } catch (PickleException ex) {
            throw new CheckpointFormatException(file, "legacy " + what + " " + ex.getMessage());
        }
    }

    /** ('storage', storage_type, root_key, location, numel, view_metadata), view_metadata None or (key, offset, n). */
    private static PthStorage legacyStorage(
            PyTuple pid, Map<String, PthStorage.Root> roots, Map<String, PthStorage> views) throws PickleException {
        if (pid.size() != 6) {
            throw new PickleException("a storage persistent id of " + pid.size() + " values; the legacy format has 6");
        }
        PthDtype dtype = storageType(pid.get(1));
        String key = text(pid.get(2), "storage key");
        text(pid.get(3), "storage location");
        long numel = count(pid.get(4), "storage size", dtype);
        PthStorage.Root root = roots.get(key);
        if (root == null) {
            root = new PthStorage.Root(key, dtype, numel, null);
            roots.put(key, root);
        } else if (root.dtype != dtype || root.numel != numel) {
            throw new PickleException("storage '" + key + "' is declared twice, as " + root.numel + " " + root.dtype
                    + " and as " + numel + " " + dtype);
        }
        Object view = pid.get(5);
        if (view == null) {
            return new PthStorage(root, 0, numel);
        }
        if (!(view instanceof PyTuple v) || v.size() != 3) {
            throw new PickleException(
                    "storage view metadata is " + RestrictedUnpickler.article(view) + ", not (key, offset, size)");
        }
        String viewKey = text(v.get(0), "view key");
        long offset = count(v.get(1), "view offset", dtype);
        long size = count(v.get(2), "view size", dtype);
        if (offset + size > numel) {
            throw new PickleException("storage view '" + viewKey + "' spans elements " + offset + ".." + (offset + size)
                    + " of a storage of " + numel);
        }
        PthStorage existing = views.get(viewKey);
        if (existing != null) {
            return existing;
        }
        PthStorage s = new PthStorage(root, offset, size);
        views.put(viewKey, s);
        return s;
    }

    private static PthDtype storageType(Object o) throws PickleException {
        if (!(o instanceof Global g) || g.kind() != Kind.STORAGE_CLASS) {
            throw new PickleException("a storage persistent id whose type is " + RestrictedUnpickler.article(o)
                    + ", not a storage class");
        }
        return g.dtype();
    }

    private static String text(Object o, String what) throws PickleException {
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof PyBytes b) {
            return new String(b.value(), StandardCharsets.US_ASCII);
        }
        throw new PickleException("the " + what + " is " + RestrictedUnpickler.article(o) + ", not a string");
    }

    /** A non-negative element count whose byte length fits in a long. */
    private static long count(Object o, String what, PthDtype dtype) throws PickleException {
        if (!(o instanceof Long n) || n < 0 || n > Long.MAX_VALUE / 16) {
            throw new PickleException(
                    "the " + what + " is " + (o instanceof Long n ? n.toString() : RestrictedUnpickler.article(o))
                            + ", not a valid element count");
        }
        return n;
    }

    // ---- from the unpickled object to tensors ----

    /** The state dict itself, or the one a training checkpoint wraps under {@link #WRAPPER_KEYS}. */
    static PyDict stateDict(Path file, Object root) throws CheckpointFormatException {
        if (!(root instanceof PyDict top)) {
            throw new CheckpointFormatException(
                    file,
                    "holds " + RestrictedUnpickler.article(root)
                            + ", not a state dict (a dict of tensors) or a dict wrapping one");
        }
        String problem = notAStateDict(top);
        if (problem == null) {
            return top;
        }
        for (String key : WRAPPER_KEYS) {
            if (top.items.containsKey(key)) {
                Object inner = top.items.get(key);
                String innerProblem =
                        inner instanceof PyDict d ? notAStateDict(d) : "it is " + RestrictedUnpickler.article(inner);
                if (innerProblem != null) {
                    throw new CheckpointFormatException(
                            file, "'" + key + "' does not hold a state dict: " + innerProblem);
                }
                return (PyDict) inner;
            }
        }
        throw new CheckpointFormatException(
                file,
                "holds a dict that is neither a state dict (" + problem
                        + ") nor a checkpoint with a 'state_dict' or 'model' entry; its entries: " + describe(top));
    }

    private static String notAStateDict(PyDict dict) {
        for (Map.Entry<Object, Object> e : dict.items.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                return "a key is " + RestrictedUnpickler.article(e.getKey()) + ", not a string";
            }
            if (!(e.getValue() instanceof PthTensor)) {
                return "'" + key + "' holds " + RestrictedUnpickler.article(e.getValue()) + ", not a tensor";
            }
        }
        return null;
    }

    private static String describe(PyDict dict) {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        int n = 0;
        for (Map.Entry<Object, Object> e : dict.items.entrySet()) {
            if (n++ == 8) {
                j.add("... " + (dict.items.size() - 8) + " more");
                break;
            }
            Object k = e.getKey();
            j.add((k instanceof String s ? "'" + s + "'" : RestrictedUnpickler.typeName(k)) + ": "
                    + RestrictedUnpickler.typeName(e.getValue()));
        }
        return j.toString();
    }

    private record Planned(String key, PthTensor tensor, int elements) {}

    private static Map<String, HostTensor> materialise(
            Path file, PyDict stateDict, Predicate<String> include, Windows data, long fileSize) throws IOException {
        long budget = fileSize + EXTRA_ELEMENTS;
        List<Planned> plan = new ArrayList<>();
        for (Map.Entry<Object, Object> e : stateDict.items.entrySet()) {
            String key = (String) e.getKey();
            PthTensor t = (PthTensor) e.getValue();
            long elements;
            try {
                elements = t.elementsOrThrow(MAX_ELEMENTS);
            } catch (IllegalArgumentException ex) {
                throw new CheckpointFormatException(file, "tensor '" + key + "' " + ex.getMessage());
            }
            if (!include.test(key)) {
                continue;
            }
            if (!t.dtype.isFloat()) {
                if (isBatchCounter(key, t.dtype, elements)) {
                    continue;
                }
                throw new CheckpointFormatException(
                        file,
                        "tensor '" + key + "' has dtype " + t.dtype + "; only F32,"
                                + " F16, BF16 and F64 are supported (and I64 for BatchNorm num_batches_tracked)");
            }
            budget -= elements;
            if (budget < 0) {
                throw new CheckpointFormatException(
                        file,
                        "its tensors hold more than " + (fileSize + EXTRA_ELEMENTS)
                                + " values, far more than a " + fileSize + "-byte file can describe without shared or"
                                + " broadcast storages; refused");
            }
            plan.add(new Planned(key, t, (int) elements));
        }
        for (Planned p : plan) {
            PthStorage s = p.tensor().storage();
            if (s != null && s.root().claimCrcCheck()) {
                checkCrc(
                        file,
                        "storage '" + s.root().key + "'",
                        data,
                        s.root().dataOffset(),
                        s.root().byteLength(),
                        s.root().crc);
            }
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Planned p : plan) {
            tensors.put(p.key(), new HostTensor(p.tensor().shape(), values(p.tensor(), p.elements(), data)));
        }
        return tensors;
    }

    /** BatchNorm's step counter: a one-element integer tensor, used only in training. */
    private static boolean isBatchCounter(String key, PthDtype dtype, long elements) {
        return (key.equals("num_batches_tracked") || key.endsWith(".num_batches_tracked"))
                && (dtype == PthDtype.I64 || dtype == PthDtype.I32)
                && elements == 1;
    }

    private static void checkCrc(Path file, String what, Windows data, long offset, long length, Integer expected)
            throws IOException {
        if (expected == null || expected == 0) {
            // 0: written without a checksum (torch can be told not to compute them)
            return;
        }
        CRC32 crc = new CRC32();
        long piece = data.window / 2;
        for (long done = 0; done < length; done += piece) {
            int n = (int) Math.min(piece, length - done);
            crc.update(data.slice(offset + done, n));
        }
        if ((int) crc.getValue() != expected) {
            throw new CheckpointFormatException(file, what + " fails its CRC-32 check: the file is corrupt");
        }
    }

    private static float[] values(PthTensor t, int elements, Windows data) throws IOException {
        float[] out = new float[elements];
        if (elements == 0) {
            return out;
        }
        PthStorage s = t.storage();
        int size = t.dtype.size;
        if (t.isRowMajor()) {
            int perPiece = (int) Math.max(1, data.window / 2 / size);
            for (int off = 0; off < elements; off += perPiece) {
                int n = Math.min(perPiece, elements - off);
                ByteBuffer bytes = data.slice(s.bytePosition(t.offset() + off), (long) n * size);
                convert(t.dtype, bytes, out, off, n);
            }
            return out;
        }
        // a strided view: walk it row-major, the innermost dimension in a tight loop
        long[] shape = t.shape();
        long[] stride = t.stride();
        int last = shape.length - 1;
        long inner = shape[last];
        long innerStride = stride[last];
        long[] index = new long[last];
        int k = 0;
        while (k < elements) {
            long base = t.offset();
            for (int d = 0; d < last; d++) {
                base += index[d] * stride[d];
            }
            for (long j = 0; j < inner; j++) {
                out[k++] = data.element(t.dtype, s.bytePosition(base + j * innerStride));
            }
            for (int d = last - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }

    private static void convert(PthDtype dtype, ByteBuffer bytes, float[] out, int offset, int count) {
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().get(out, offset, count);
            case F16, BF16 -> {
                short[] chunk = new short[Math.min(CONVERT_CHUNK, count)];
                for (int done = 0; done < count; done += chunk.length) {
                    int n = Math.min(chunk.length, count - done);
                    bytes.asShortBuffer().position(done).get(chunk, 0, n);
                    for (int i = 0; i < n; i++) {
                        out[offset + done + i] = dtype == PthDtype.BF16
                                ? HalfFloats.bf16ToFloat(chunk[i])
                                : HalfFloats.f16ToFloat(chunk[i]);
                    }
                }
            }
            case F64 -> {
                double[] chunk = new double[Math.min(CONVERT_CHUNK, count)];
                for (int done = 0; done < count; done += chunk.length) {
                    int n = Math.min(chunk.length, count - done);
                    bytes.asDoubleBuffer().position(done).get(chunk, 0, n);
                    for (int i = 0; i < n; i++) {
                        out[offset + done + i] = (float) chunk[i];
                    }
                }
            }
            default -> throw new IllegalStateException("not a float dtype: " + dtype);
        }
    }

    /**
     * Read-only mappings of the file, one window (up to 1 GiB) at a time, so a checkpoint is usually a single mapping
     * and its bytes are copied from the page cache straight into the float arrays.
     */
    private static final class Windows {

        private final FileChannel channel;
        private final long window;
        private final long fileSize;
        private MappedByteBuffer mapped;
        private long begin;
        private long end;

        Windows(FileChannel channel, long window) throws IOException {
            if (window < 16) {
                throw new IllegalArgumentException("window " + window + " < 16");
            }
            this.channel = channel;
            this.window = window;
            this.fileSize = channel.size();
        }

        /** Maps a window holding bytes {@code pos .. pos + length} ({@code length <= window}). */
        private void cover(long pos, long length) throws IOException {
            if (mapped != null && pos >= begin && pos + length <= end) {
                return;
            }
            if (pos < 0 || length > window || pos + length > fileSize) {
                throw new EOFException("bytes " + pos + ".." + (pos + length) + " outside the file");
            }
            // mostly forward: reads run through storages in order, strided views also step back a little
            begin = Math.max(0, Math.min(pos - (window - length) / 4, fileSize - window));
            end = Math.min(fileSize, begin + window);
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, begin, end - begin);
            mapped.order(ByteOrder.LITTLE_ENDIAN);
        }

        ByteBuffer slice(long pos, long length) throws IOException {
            cover(pos, length);
            return mapped.slice((int) (pos - begin), (int) length).order(ByteOrder.LITTLE_ENDIAN);
        }

        float element(PthDtype dtype, long pos) throws IOException {
            cover(pos, dtype.size);
            int i = (int) (pos - begin);
            return switch (dtype) {
                case F32 -> mapped.getFloat(i);
                case F16 -> HalfFloats.f16ToFloat(mapped.getShort(i));
                case BF16 -> HalfFloats.bf16ToFloat(mapped.getShort(i));
                case F64 -> (float) mapped.getDouble(i);
                default -> throw new IllegalStateException("not a float dtype: " + dtype);
            };
        }
    }

    private static ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int n = channel.read(b, position + b.position());
            if (n < 0) {
                throw new EOFException("unexpected end of file");
            }
        }
        return b.flip();
    }
}
