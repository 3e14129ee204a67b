package dev.inceptionclassifier.model.checkpoint;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader with the semantics of PyTorch's {@code torch.load(weights_only=True)} unpickler
 * ({@code torch/_weights_only_unpickler.py}): it builds plain values (None, bool, int, float, str, bytes, tuple, list,
 * dict, set), and the only globals it accepts are the ones a state dict of dense tensors needs. Every other global is
 * refused when the pickle names it, before anything could be called with it; instances of arbitrary classes
 * ({@code NEWOBJ} other than {@code Parameter}, {@code INST}, {@code OBJ}, extension codes) are refused as opcodes.
 * Nothing in a pickle is ever executed: even the allowed "calls" are interpreted here, as data.
 *
 * <p>The allow-list is torch 1.13's, minus what only sparse or meta tensors use (refused as unsupported), plus
 * {@code _rebuild_parameter_with_state} (torch 2.x). Opcodes cover pickle protocols 2 to 5 as {@code torch.save}
 * writes them, and Python 2's string opcodes of checkpoints from 2017 (decoded as UTF-8, as {@code torch.load} does).
 *
 * <p>The reader is iterative (no recursion however deeply the data nests) and bounded: at most {@link #MAX_BYTES}
 * bytes of pickle, {@link #MAX_OBJECTS} values, and tuples nested at most {@link #MAX_TUPLE_DEPTH} deep (tuples are
 * the only values hashed, and hashing recurses).
 */
final class RestrictedUnpickler {

    static final int MAX_BYTES = 64 << 20;
    static final int MAX_OBJECTS = 1 << 20;
    static final int MAX_TUPLE_DEPTH = 100;
    static final int MAX_DIMS = 64;
    private static final int MAX_INT_BYTES = 1024;
    private static final int MAX_LINE = 1024;

    /** Loads what a {@code BINPERSID} refers to: a storage, given its persistent id {@code ('storage', ...)}. */
    @FunctionalInterface
    interface PersistentLoader {
        PthStorage load(PyTuple pid) throws PickleException;
    }

    /** A malformed or refused pickle; the caller adds the file name. */
    static final class PickleException extends Exception {

        PickleException(String message) {
            super(message);
        }
    }

    // ---- the values a pickle builds ----

    /** A Python tuple. Immutable, so its depth and hashability are known when it is built. */
    static final class PyTuple {

        final List<Object> items;
        final int depth;
        final boolean hashable;

        private PyTuple(List<Object> items) {
            this.items = Collections.unmodifiableList(items);
            int d = 0;
            boolean h = true;
            for (Object o : items) {
                if (o instanceof PyTuple t) {
                    d = Math.max(d, t.depth);
                }
                h &= isHashable(o);
            }
            this.depth = d + 1;
            this.hashable = h;
        }

        int size() {
            return items.size();
        }

        Object get(int i) {
            return items.get(i);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PyTuple t && items.equals(t.items);
        }

        @Override
        public int hashCode() {
            return items.hashCode();
        }
    }

    /** A Python dict or {@code collections.OrderedDict}, with the attributes BUILD gives the latter. */
    static final class PyDict {

        final Map<Object, Object> items = new LinkedHashMap<>();
        final boolean ordered;
        /** E.g. a state dict's {@code _metadata} (per-module versions), which the reader does not need. */
        final Map<String, Object> attributes = new LinkedHashMap<>();

        PyDict(boolean ordered) {
            this.ordered = ordered;
        }
    }

    /** A Python set. */
    static final class PySet {

        final Set<Object> items = new LinkedHashSet<>();
    }

    /** Python bytes (protocol 3+ {@code BINBYTES}). */
    record PyBytes(byte[] value) {

        @Override
        public boolean equals(Object o) {
            return o instanceof PyBytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "bytes[" + value.length + "]";
        }
    }

    /** A value the reader accepts but has no use for, e.g. a {@code torch.float32} dtype object. */
    record Opaque(String description) {}

    /** What an allowed global is. */
    enum Kind {
        ORDERED_DICT,
        REBUILD_TENSOR_V2,
        REBUILD_TENSOR,
        REBUILD_PARAMETER,
        REBUILD_PARAMETER_WITH_STATE,
        PARAMETER,
        TENSOR_CLASS,
        STORAGE_CLASS,
        SIZE,
        DTYPE,
        LAYOUT,
        /** Allowed by torch, but only sparse, meta or untyped objects use it: refused as unsupported. */
        UNSUPPORTED
    }

    /** An allowed global, e.g. {@code torch._utils._rebuild_tensor_v2} or {@code torch.FloatStorage}. */
    record Global(String name, Kind kind, PthDtype dtype) {}

    private static final Map<String, Global> ALLOWED = allowList();

    private static Map<String, Global> allowList() {
        Map<String, Global> m = new HashMap<>();
        put(m, "collections.OrderedDict", Kind.ORDERED_DICT, null);
        put(m, "torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2, null);
        put(m, "torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR, null);
        put(m, "torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER, null);
        put(m, "torch._utils._rebuild_parameter_with_state", Kind.REBUILD_PARAMETER_WITH_STATE, null);
        put(m, "torch.nn.parameter.Parameter", Kind.PARAMETER, null);
        put(m, "torch.Tensor", Kind.TENSOR_CLASS, PthDtype.F32);
        put(m, "torch.Size", Kind.SIZE, null);
        put(m, "torch.serialization._get_layout", Kind.LAYOUT, null);
        put(m, "torch.storage.UntypedStorage", Kind.STORAGE_CLASS, PthDtype.UNTYPED);
        put(m, "torch.storage.TypedStorage", Kind.UNSUPPORTED, null);
        for (String f :
                List.of("_rebuild_sparse_tensor", "_rebuild_sparse_csr_tensor", "_rebuild_meta_tensor_no_storage")) {
            put(m, "torch._utils." + f, Kind.UNSUPPORTED, null);
        }
        for (String t : List.of(
                "float16",
                "float32",
                "float64",
                "int8",
                "int16",
                "int32",
                "int64",
                "complex32",
                "complex64",
                "complex128")) {
            put(m, "torch." + t, Kind.DTYPE, null);
        }
        for (PthDtype d : PthDtype.values()) {
            if (d == PthDtype.UNTYPED) {
                continue;
            }
            put(m, "torch." + d.stem + "Storage", Kind.STORAGE_CLASS, d);
            if (d.hasCudaStorage()) {
                put(m, "torch.cuda." + d.stem + "Storage", Kind.STORAGE_CLASS, d);
            }
            if (d.hasTensorClass()) {
                put(m, "torch." + d.stem + "Tensor", Kind.TENSOR_CLASS, d);
                put(m, "torch.cuda." + d.stem + "Tensor", Kind.TENSOR_CLASS, d);
                if (d != PthDtype.BOOL) {
                    put(m, "torch.sparse." + d.stem + "Tensor", Kind.UNSUPPORTED, null);
                    put(m, "torch.cuda.sparse." + d.stem + "Tensor", Kind.UNSUPPORTED, null);
                }
            }
        }
        return Map.copyOf(m);
    }

    private static void put(Map<String, Global> m, String name, Kind kind, PthDtype dtype) {
        m.put(name, new Global(name, kind, dtype));
    }

    /** Every allowed global's full name. */
    static Set<String> allowedNames() {
        return ALLOWED.keySet();
    }

    /** The allowed global {@code module.name}, or null. */
    static Global lookup(String module, String name) {
        return ALLOWED.get(module + "." + name);
    }

    static boolean isHashable(Object o) {
        if (o instanceof PyTuple t) {
            return t.hashable;
        }
        return !(o instanceof List || o instanceof PyDict || o instanceof PySet);
    }

    /** {@link #typeName} with an article: "an int", "a list of 3", "None". */
    static String article(Object o) {
        String t = typeName(o);
        return o == null ? t : ("aeiou".indexOf(t.charAt(0)) >= 0 ? "an " : "a ") + t;
    }

    /** A short description of a value's type, for messages (never its content, which may be huge or cyclic). */
    static String typeName(Object o) {
        if (o == null) {
            return "None";
        } else if (o instanceof Boolean) {
            return "bool";
        } else if (o instanceof Long || o instanceof BigInteger) {
            return "int";
        } else if (o instanceof Double) {
            return "float";
        } else if (o instanceof String) {
            return "str";
        } else if (o instanceof PyBytes) {
            return "bytes";
        } else if (o instanceof PyTuple t) {
            return "tuple of " + t.size();
        } else if (o instanceof List<?> l) {
            return "list of " + l.size();
        } else if (o instanceof PyDict d) {
            return (d.ordered ? "OrderedDict of " : "dict of ") + d.items.size();
        } else if (o instanceof PySet) {
            return "set";
        } else if (o instanceof PthTensor t) {
            return t.parameter ? "Parameter" : "tensor";
        } else if (o instanceof PthStorage) {
            return "storage";
        } else if (o instanceof Global g) {
            return "global " + g.name();
        } else if (o instanceof Opaque op) {
            return op.description();
        }
        return o.getClass().getSimpleName();
    }

    // ---- the machine ----

    private final ByteBuffer in;
    private final int end;
    private final boolean endIsCap;
    private final PersistentLoader persistent;
    private final Map<Long, Object> memo = new HashMap<>();
    private final ArrayDeque<ArrayList<Object>> metastack = new ArrayDeque<>();
    private ArrayList<Object> stack = new ArrayList<>();
    private int objects;
    private int opPosition;

    /**
     * Reads one pickle from {@code in}, starting at its position. It may extend to {@code in}'s limit, but at most
     * {@link #MAX_BYTES} bytes.
     */
    RestrictedUnpickler(ByteBuffer in, PersistentLoader persistent) {
        this.in = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long cap = (long) in.position() + MAX_BYTES;
        this.endIsCap = cap < in.limit();
        this.end = (int) Math.min(in.limit(), cap);
        this.persistent = persistent;
    }

    /** Where the reader stopped: just after the STOP opcode once {@link #load()} returned. */
    int position() {
        return in.position();
    }

    private PickleException fail(String problem) {
        return new PickleException("byte " + opPosition + ": " + problem);
    }

    private void need(long n) throws PickleException {
        if (n < 0 || n > end - in.position()) {
            if (endIsCap) {
                throw fail("the pickle is larger than " + (MAX_BYTES >> 20) + " MiB; not a checkpoint this reader"
                        + " accepts");
            }
            throw fail("truncated: the pickle ends before its STOP opcode");
        }
    }

    private void count(int n) throws PickleException {
        objects += n;
        if (objects > MAX_OBJECTS) {
            throw fail("more than " + MAX_OBJECTS + " values; not a checkpoint this reader accepts");
        }
    }

    private void push(Object o) throws PickleException {
        count(1);
        stack.add(o);
    }

    private Object pop() throws PickleException {
        if (stack.isEmpty()) {
            throw fail("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object top() throws PickleException {
        if (stack.isEmpty()) {
            throw fail("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private ArrayList<Object> popMark() throws PickleException {
        if (metastack.isEmpty()) {
            throw fail("no MARK to pop to");
        }
        ArrayList<Object> items = stack;
        stack = metastack.pop();
        return items;
    }

    private PyTuple tuple(List<Object> items) throws PickleException {
        PyTuple t = new PyTuple(new ArrayList<>(items));
        if (t.depth > MAX_TUPLE_DEPTH) {
            throw fail("tuples nested more than " + MAX_TUPLE_DEPTH + " deep");
        }
        return t;
    }

    /** Runs the pickle to its STOP opcode and returns the value it built. */
    Object load() throws PickleException {
        while (true) {
            opPosition = in.position();
            need(1);
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    need(1);
                    int protocol = in.get() & 0xff;
                    if (protocol > 5) {
                        throw fail("unsupported pickle protocol " + protocol);
                    }
                }
                case 0x95 -> { // FRAME: a length prefix for buffered reading, nothing to build
                    need(8);
                    in.getLong();
                }
                case '.' -> { // STOP
                    Object result = pop();
                    return result;
                }
                case '(' -> { // MARK
                    count(1);
                    metastack.push(stack);
                    stack = new ArrayList<>();
                }
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(top()); // DUP
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'J' -> { // BININT
                    need(4);
                    push((long) in.getInt());
                }
                case 'K' -> { // BININT1
                    need(1);
                    push((long) (in.get() & 0xff));
                }
                case 'M' -> { // BININT2
                    need(2);
                    push((long) (in.getShort() & 0xffff));
                }
                case 0x8a -> { // LONG1
                    need(1);
                    push(readLong(in.get() & 0xff));
                }
                case 0x8b -> { // LONG4
                    need(4);
                    push(readLong(in.getInt()));
                }
                case 'G' -> { // BINFLOAT, big-endian
                    need(8);
                    push(in.order(ByteOrder.BIG_ENDIAN).getDouble());
                    in.order(ByteOrder.LITTLE_ENDIAN);
                }
                case 'X' -> push(readString(readLength4())); // BINUNICODE
                case 0x8c -> { // SHORT_BINUNICODE
                    need(1);
                    push(readString(in.get() & 0xff));
                }
                case 0x8d -> push(readString(readLength8())); // BINUNICODE8
                // Python 2 str: torch.load decodes these as UTF-8
                case 'U' -> { // SHORT_BINSTRING
                    need(1);
                    push(readString(in.get() & 0xff));
                }
                case 'T' -> { // BINSTRING (signed length)
                    need(4);
                    push(readString(in.getInt()));
                }
                case 'C' -> { // SHORT_BINBYTES
                    need(1);
                    push(new PyBytes(readBytes(in.get() & 0xff)));
                }
                case 'B' -> push(new PyBytes(readBytes(readLength4()))); // BINBYTES
                case 0x8e -> push(new PyBytes(readBytes(readLength8()))); // BINBYTES8
                case ')' -> push(tuple(List.of())); // EMPTY_TUPLE
                case 't' -> { // TUPLE
                    ArrayList<Object> items = popMark();
                    push(tuple(items));
                }
                case 0x85 -> { // TUPLE1
                    Object a = pop();
                    push(tupleOf(a));
                }
                case 0x86 -> { // TUPLE2
                    Object b = pop();
                    Object a = pop();
                    push(tupleOf(a, b));
                }
                case 0x87 -> { // TUPLE3
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(tupleOf(a, b, c));
                }
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case 'l' -> { // LIST
                    ArrayList<Object> items = popMark();
                    push(new ArrayList<>(items));
                }
                case 'a' -> { // APPEND
                    Object item = pop();
                    listOnTop("APPEND").add(item);
                    count(1);
                }
                case 'e' -> { // APPENDS
                    ArrayList<Object> items = popMark();
                    listOnTop("APPENDS").addAll(items);
                    count(items.size());
                }
                case '}' -> push(new PyDict(false)); // EMPTY_DICT
                case 'd' -> { // DICT
                    ArrayList<Object> items = popMark();
                    PyDict dict = new PyDict(false);
                    setItems(dict, items);
                    push(dict);
                }
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    setItems(dictOnTop("SETITEM"), pair(key, value));
                }
                case 'u' -> { // SETITEMS
                    ArrayList<Object> items = popMark();
                    setItems(dictOnTop("SETITEMS"), items);
                }
                case 0x8f -> push(new PySet()); // EMPTY_SET
                case 0x90 -> { // ADDITEMS
                    ArrayList<Object> items = popMark();
                    if (!(top() instanceof PySet set)) {
                        throw fail("ADDITEMS on " + article(top()) + ", not a set");
                    }
                    for (Object item : items) {
                        requireHashable(item, "set element");
                        set.items.add(item);
                    }
                    count(items.size());
                }
                case 'h' -> { // BINGET
                    need(1);
                    push(memoGet(in.get() & 0xff));
                }
                case 'j' -> { // LONG_BINGET
                    need(4);
                    push(memoGet(in.getInt() & 0xffffffffL));
                }
                case 'q' -> { // BINPUT
                    need(1);
                    memoPut(in.get() & 0xff);
                }
                case 'r' -> { // LONG_BINPUT
                    need(4);
                    memoPut(in.getInt() & 0xffffffffL);
                }
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'c' -> { // GLOBAL
                    String module = readLine();
                    String name = readLine();
                    push(global(module, name));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings, got " + article(module) + " and " + article(name));
                    }
                    push(global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    push(call(callable, args, "REDUCE"));
                }
                case 0x81 -> { // NEWOBJ: only Parameter, as in torch
                    Object args = pop();
                    Object cls = pop();
                    if (!(cls instanceof Global g) || g.kind() != Kind.PARAMETER) {
                        throw fail("refused NEWOBJ of " + typeName(cls) + ": only torch.nn.Parameter may be"
                                + " instantiated");
                    }
                    push(call(cls, args, "NEWOBJ"));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    build(top(), state);
                }
                case 'Q' -> { // BINPERSID
                    Object pid = pop();
                    push(persistentLoad(pid));
                }
                case 'i', 'o', 0x92, 0x82, 0x83, 0x84 ->
                    throw fail("refused opcode 0x" + Integer.toHexString(op)
                            + " (" + (op == 'i' ? "INST" : op == 'o' ? "OBJ" : op == 0x92 ? "NEWOBJ_EX" : "EXT")
                            + "): it instantiates arbitrary classes; nothing was executed");
                default ->
                    throw fail("unsupported pickle opcode 0x" + Integer.toHexString(op)
                            + (op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : "")
                            + "; torch.save writes binary protocol 2 (text protocol-0 opcodes are not read)");
            }
        }
    }

    private static List<Object> pair(Object a, Object b) {
        List<Object> l = new ArrayList<>(2);
        l.add(a);
        l.add(b);
        return l;
    }

    private PyTuple tupleOf(Object... items) throws PickleException {
        return tuple(Arrays.asList(items));
    }

    private ArrayList<Object> listOnTop(String op) throws PickleException {
        Object t = top();
        if (!(t instanceof ArrayList<?>)) {
            throw fail(op + " on " + article(t) + ", not a list");
        }
        @SuppressWarnings("unchecked")
        ArrayList<Object> list = (ArrayList<Object>) t;
        return list;
    }

    private PyDict dictOnTop(String op) throws PickleException {
        Object t = top();
        if (!(t instanceof PyDict d)) {
            throw fail(op + " on " + article(t) + ", not a dict");
        }
        return d;
    }

    private void setItems(PyDict dict, List<Object> items) throws PickleException {
        if (items.size() % 2 != 0) {
            throw fail("odd number of items for a dict");
        }
        for (int i = 0; i < items.size(); i += 2) {
            Object key = items.get(i);
            requireHashable(key, "dict key");
            dict.items.put(key, items.get(i + 1));
        }
        count(items.size() / 2);
    }

    private void requireHashable(Object o, String what) throws PickleException {
        if (!isHashable(o)) {
            throw fail("unhashable " + what + " (" + typeName(o) + ")");
        }
    }

    private Object memoGet(long index) throws PickleException {
        Object o = memo.get(index);
        if (o == null && !memo.containsKey(index)) {
            throw fail("memo index " + index + " was never stored");
        }
        return o;
    }

    private void memoPut(long index) throws PickleException {
        count(1);
        memo.put(index, top());
    }

    private Object readLong(int n) throws PickleException {
        if (n < 0 || n > MAX_INT_BYTES) {
            throw fail("an integer of " + n + " bytes");
        }
        byte[] le = readBytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private int readLength4() throws PickleException {
        need(4);
        long n = in.getInt() & 0xffffffffL;
        need(n);
        return (int) n;
    }

    private int readLength8() throws PickleException {
        need(8);
        long n = in.getLong();
        need(n);
        return (int) n;
    }

    private byte[] readBytes(int n) throws PickleException {
        if (n < 0) {
            throw fail("a negative length " + n);
        }
        need(n);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String readString(int n) throws PickleException {
        return decode(readBytes(n));
    }

    private String decode(byte[] bytes) throws PickleException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException ex) {
            throw fail("a string that is not valid UTF-8");
        }
    }

    private String readLine() throws PickleException {
        int start = in.position();
        for (int i = start; i < end && i - start <= MAX_LINE; i++) {
            if (in.get(i) == '\n') {
                byte[] b = new byte[i - start];
                in.get(b);
                in.get();
                return decode(b);
            }
        }
        if (end - start <= MAX_LINE) {
            need((long) end - start + 1);
        }
        throw fail("a GLOBAL name longer than " + MAX_LINE + " bytes");
    }

    private Global global(String module, String name) throws PickleException {
        Global g = lookup(module, name);
        if (g == null) {
            throw fail("refused global '" + module + "." + name + "': torch.load(weights_only=True) allows only"
                    + " tensor rebuild functions, storage and tensor types and collections.OrderedDict; nothing was"
                    + " executed");
        }
        return g;
    }

    private PthStorage persistentLoad(Object pid) throws PickleException {
        if (!(pid instanceof PyTuple t) || t.size() == 0) {
            throw fail("persistent id is " + article(pid) + ", not a ('storage', ...) tuple");
        }
        Object type = t.get(0);
        String typename = type instanceof PyBytes b
                ? new String(b.value(), StandardCharsets.US_ASCII)
                : type instanceof String s ? s : null;
        if (!"storage".equals(typename)) {
            throw fail("refused persistent id '" + (typename == null ? typeName(type) : typename) + "': only storages"
                    + " may be loaded"
                    + ("module".equals(typename)
                            ? " (this file pickles a whole nn.Module; save its state_dict() instead)"
                            : ""));
        }
        try {
            return persistent.load(t);
        } catch (PickleException ex) {
            throw fail(ex.getMessage());
        }
    }

    // ---- the allowed calls, interpreted ----

    private Object call(Object callable, Object argsObject, String op) throws PickleException {
        if (!(callable instanceof Global g)) {
            throw fail(op + " of " + article(callable) + ", which is not callable");
        }
        if (!(argsObject instanceof PyTuple args)) {
            throw fail(op + " of " + g.name() + " with " + typeName(argsObject) + " arguments, not a tuple");
        }
        return switch (g.kind()) {
            case ORDERED_DICT -> orderedDict(args);
            case REBUILD_TENSOR_V2 -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                arity(g, args, 6, 7);
                if (args.size() == 7 && !(args.get(6) instanceof PyDict md && md.items.isEmpty())) {
                    throw fail(g.name() + " with tensor metadata (" + typeName(args.get(6)) + "), which this reader"
                            + " does not support");
                }
                yield rebuild(g, args);
            }
            case REBUILD_TENSOR -> {
                arity(g, args, 4, 4); // (storage, storage_offset, size, stride)
                yield rebuild(g, args);
            }
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                // (data, requires_grad, backward_hooks[, state])
                int n = g.kind() == Kind.REBUILD_PARAMETER ? 3 : 4;
                arity(g, args, n, n);
                yield PthTensor.parameterOf(tensorArg(g, args, 0));
            }
            case PARAMETER -> {
                // Parameter(), Parameter(data) or Parameter(data, requires_grad)
                arity(g, args, 0, 2);
                yield args.size() == 0
                        ? PthTensor.empty(PthDtype.F32, true)
                        : PthTensor.parameterOf(tensorArg(g, args, 0));
            }
            case TENSOR_CLASS -> {
                // the legacy form: torch.FloatTensor(), then BUILD points it at a storage
                arity(g, args, 0, 0);
                yield PthTensor.empty(g.dtype(), false);
            }
            case SIZE -> {
                arity(g, args, 1, 1);
                if (!(args.get(0) instanceof PyTuple dims)) {
                    throw fail("torch.Size of " + article(args.get(0)) + ", not a tuple");
                }
                ints(g, dims, "sizes");
                yield dims;
            }
            case LAYOUT -> {
                arity(g, args, 1, 1);
                yield new Opaque("layout");
            }
            case DTYPE, STORAGE_CLASS -> throw fail("refused call of " + g.name() + ": not used by state dicts");
            case UNSUPPORTED -> throw fail(g.name() + " (sparse, meta or untyped tensors) is not supported");
        };
    }

    private void arity(Global g, PyTuple args, int min, int max) throws PickleException {
        if (args.size() < min || args.size() > max) {
            throw fail(g.name() + " with " + args.size() + " arguments; expected "
                    + (min == max ? min : min + " to " + max));
        }
    }

    private PthTensor tensorArg(Global g, PyTuple args, int i) throws PickleException {
        if (!(args.get(i) instanceof PthTensor t)) {
            throw fail(g.name() + " needs a tensor, got " + article(args.get(i)));
        }
        return t;
    }

    private PyDict orderedDict(PyTuple args) throws PickleException {
        PyDict dict = new PyDict(true);
        if (args.size() == 0) {
            return dict;
        }
        if (args.size() != 1) {
            throw fail("collections.OrderedDict with " + args.size() + " arguments");
        }
        Object source = args.get(0);
        if (source instanceof PyDict d) {
            for (Map.Entry<Object, Object> e : d.items.entrySet()) {
                dict.items.put(e.getKey(), e.getValue());
            }
            count(d.items.size());
            return dict;
        }
        // Python 2's OrderedDict.__reduce__ passes a list of [key, value] lists
        List<?> pairs = source instanceof PyTuple t ? t.items : source instanceof List<?> l ? l : null;
        if (pairs == null) {
            throw fail("collections.OrderedDict of " + article(source));
        }
        List<Object> flat = new ArrayList<>(pairs.size() * 2);
        for (Object p : pairs) {
            List<?> kv = p instanceof PyTuple t ? t.items : p instanceof List<?> l ? l : null;
            if (kv == null || kv.size() != 2) {
                throw fail("collections.OrderedDict item is " + article(p) + ", not a key-value pair");
            }
            flat.add(kv.get(0));
            flat.add(kv.get(1));
        }
        setItems(dict, flat);
        return dict;
    }

    private PthTensor rebuild(Global g, PyTuple args) throws PickleException {
        PthStorage storage = storageArg(g, args.get(0));
        long offset = intArg(g, args.get(1), "storage offset");
        long[] size = ints(g, args.get(2), "sizes");
        long[] stride = ints(g, args.get(3), "strides");
        if (size.length != stride.length) {
            throw fail(g.name() + " with " + size.length + " sizes but " + stride.length + " strides");
        }
        return PthTensor.of(storage, offset, size, stride);
    }

    private PthStorage storageArg(Global g, Object o) throws PickleException {
        if (!(o instanceof PthStorage s)) {
            throw fail(g.name() + " needs a storage, got " + article(o));
        }
        return s;
    }

    private long intArg(Global g, Object o, String what) throws PickleException {
        if (!(o instanceof Long v)) {
            throw fail(g.name() + ": the " + what + " is "
                    + (o instanceof BigInteger ? "an integer beyond 64 bits" : article(o)));
        }
        return v;
    }

    private long[] ints(Global g, Object o, String what) throws PickleException {
        if (!(o instanceof PyTuple t)) {
            throw fail(g.name() + ": the " + what + " are " + article(o) + ", not a tuple");
        }
        if (t.size() > MAX_DIMS) {
            throw fail(g.name() + ": " + t.size() + " dimensions, more than " + MAX_DIMS);
        }
        long[] v = new long[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = intArg(g, t.get(i), what);
        }
        return v;
    }

    private void build(Object instance, Object state) throws PickleException {
        if (instance instanceof PyDict dict && dict.ordered) {
            // OrderedDict: inst.__dict__.update(state), i.e. the state dict's _metadata
            if (!(state instanceof PyDict attributes)) {
                throw fail("BUILD of an OrderedDict with " + article(state) + " state, not a dict");
            }
            for (Map.Entry<Object, Object> e : attributes.items.entrySet()) {
                if (!(e.getKey() instanceof String name)) {
                    throw fail("BUILD of an OrderedDict with " + article(e.getKey()) + " attribute name");
                }
                dict.attributes.put(name, e.getValue());
            }
            count(attributes.items.size());
        } else if (instance instanceof PthTensor tensor) {
            buildTensor(tensor, state);
        } else {
            throw fail("refused BUILD of " + article(instance) + ": only tensors, Parameters and OrderedDicts"
                    + " are built");
        }
    }

    /** Tensor.__setstate__ as torch keeps it for old files: 4 values set the view, Parameters also take 3 or 5. */
    private void buildTensor(PthTensor tensor, Object stateObject) throws PickleException {
        if (!(stateObject instanceof PyTuple state)) {
            throw fail("BUILD of a tensor with " + article(stateObject) + " state, not a tuple");
        }
        Global legacy = new Global("legacy tensor state", Kind.TENSOR_CLASS, tensor.dtype);
        if (state.size() == 4) {
            // (storage, storage_offset, size, stride): tensor.set_(...)
            PthStorage storage = storageArg(legacy, state.get(0));
            if (storage.dtype() != tensor.dtype) {
                throw fail("a " + tensor.dtype + " tensor set to a " + storage.dtype() + " storage");
            }
            long[] size = ints(legacy, state.get(2), "sizes");
            long[] stride = ints(legacy, state.get(3), "strides");
            if (size.length != stride.length) {
                throw fail("a legacy tensor state with " + size.length + " sizes but " + stride.length + " strides");
            }
            tensor.set(storage, intArg(legacy, state.get(1), "storage offset"), size, stride);
        } else if (tensor.parameter && state.size() == 3) {
            // (requires_grad, _, backward_hooks): nothing that affects the values
            return;
        } else if (tensor.parameter && state.size() == 5) {
            // legacy Variable state: (data, ...)
            PthTensor data = tensorArg(legacy, state, 0);
            tensor.set(data.storage(), data.offset(), data.shape(), data.stride());
        } else {
            throw fail("BUILD of " + article(tensor) + " with a state of " + state.size() + " values");
        }
    }
}
