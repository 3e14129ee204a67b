package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inceptionclassifier.model.checkpoint.RestrictedUnpickler.PickleException;
import dev.inceptionclassifier.model.checkpoint.RestrictedUnpickler.PyBytes;
import dev.inceptionclassifier.model.checkpoint.RestrictedUnpickler.PyDict;
import dev.inceptionclassifier.model.checkpoint.RestrictedUnpickler.PyTuple;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The restricted unpickler on pickles assembled opcode by opcode: what it builds, and what it refuses. */
class RestrictedUnpicklerTests {

    /** A pickle assembler for protocol 2 (and a few later) opcodes. */
    private static final class Pickle {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            op(0x80, 2);
        }

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle global(String module, String name) {
            return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return op('X').int32(b.length).raw(b);
        }

        /** Python 2's str: SHORT_BINSTRING. */
        Pickle py2(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return op('U', b.length).raw(b);
        }

        Pickle num(int n) {
            return op('J').int32(n);
        }

        Pickle int32(int n) {
            return raw(ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(n)
                    .array());
        }

        Pickle raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Pickle repeat(int times, int... bytes) {
            for (int i = 0; i < times; i++) {
                op(bytes);
            }
            return this;
        }

        /** A persistent storage id ('storage', torch.FloatStorage, key, 'cpu', numel), then BINPERSID. */
        Pickle storage(String key, int numel) {
            return op('(').str("storage")
                    .global("torch", "FloatStorage")
                    .str(key)
                    .str("cpu")
                    .num(numel)
                    .op('t', 'Q');
        }

        byte[] stop() {
            return op('.').out.toByteArray();
        }
    }

    private static Object load(byte[] pickle) throws PickleException {
        return new RestrictedUnpickler(ByteBuffer.wrap(pickle), pid -> {
                    PthStorage.Root root =
                            new PthStorage.Root((String) pid.get(2), PthDtype.F32, (Long) pid.get(4), null);
                    return new PthStorage(root, 0, root.numel);
                })
                .load();
    }

    private static void assertRefused(byte[] pickle, String... fragments) {
        var failure = assertThatThrownBy(() -> load(pickle)).isInstanceOf(PickleException.class);
        for (String f : fragments) {
            failure.hasMessageContaining(f);
        }
    }

    // ---- what it builds ----

    @Test
    void buildsAStateDictFromRebuildTensorV2() throws PickleException {
        byte[] pickle = new Pickle()
                .global("collections", "OrderedDict")
                .op(')', 'R', '(')
                .str("w")
                .global("torch._utils", "_rebuild_tensor_v2")
                .op('(')
                .storage("0", 12)
                .num(2)
                .op('(')
                .num(2)
                .num(3)
                .op('t', '(')
                .num(1)
                .num(2)
                .op('t')
                .op(0x89)
                .global("collections", "OrderedDict")
                .op(')', 'R', 't', 'R')
                .op('u')
                .op('}')
                .str("_metadata")
                .op('}', 's', 'b') // OrderedDict BUILD: the _metadata attribute
                .stop();

        PyDict dict = (PyDict) load(pickle);

        assertThat(dict.ordered).isTrue();
        assertThat(dict.attributes).containsOnlyKeys("_metadata");
        PthTensor w = (PthTensor) dict.items.get("w");
        assertThat(w.shape()).containsExactly(2, 3);
        assertThat(w.stride()).containsExactly(1, 2);
        assertThat(w.offset()).isEqualTo(2);
        assertThat(w.storage().numel()).isEqualTo(12);
        assertThat(w.isRowMajor()).isFalse();
        assertThat(w.elementsOrThrow(100)).isEqualTo(6);
    }

    @Test
    void buildsPlainValuesOfEveryProtocol() throws PickleException {
        byte[] pickle = new Pickle()
                .op('(')
                .op('N', 0x88, 0x89)
                .op('K', 200)
                .op('M', 0x34, 0x12)
                .num(-5)
                .op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1) // LONG1: 2^64
                .op('G', 0x3f, 0xf8, 0, 0, 0, 0, 0, 0) // BINFLOAT 1.5, big-endian
                .py2("py2")
                .op(0x8c, 2)
                .raw("ok".getBytes(StandardCharsets.UTF_8)) // SHORT_BINUNICODE
                .op('C', 2, 7, 8) // SHORT_BINBYTES
                .op(0x95, 0, 0, 0, 0, 0, 0, 0, 0) // FRAME
                .op(']', 0x94, '0', 'h', 0)
                .op(']', 'a') // MEMOIZE, POP, BINGET, APPEND: [[]]
                .op('t')
                .stop();

        PyTuple t = (PyTuple) load(pickle);

        assertThat(t.items)
                .containsExactly(
                        null,
                        true,
                        false,
                        200L,
                        0x1234L,
                        -5L,
                        BigInteger.ONE.shiftLeft(64),
                        1.5,
                        "py2",
                        "ok",
                        new PyBytes(new byte[] {7, 8}),
                        List.of(List.of()));
    }

    @Test
    void readsPython2OrderedDictsAndPre04Tensors() throws PickleException {
        // OrderedDict([[key, torch.FloatTensor() set to (storage, 0, (2,), (1,))]])
        byte[] pickle = new Pickle()
                .global("collections", "OrderedDict")
                .op(']', '(')
                .op(']', '(')
                .py2("bias")
                .global("torch", "FloatTensor")
                .op(')', 'R')
                .op('(')
                .storage("k", 2)
                .num(0)
                .op('(')
                .num(2)
                .op('t', '(')
                .num(1)
                .op('t', 't', 'b', 'e')
                .op('e', 0x85, 'R')
                .stop();

        PyDict dict = (PyDict) load(pickle);

        PthTensor bias = (PthTensor) dict.items.get("bias");
        assertThat(bias.shape()).containsExactly(2);
        assertThat(bias.storage().root().key).isEqualTo("k");
    }

    @Test
    void readsTensorsSavedFromTheGpuInThe2017Form() throws PickleException {
        // torch.cuda.FloatTensor() set to a torch.cuda.FloatStorage saved on 'cuda:0': read like CPU ones
        byte[] pickle = new Pickle()
                .global("torch.cuda", "FloatTensor")
                .op(')', 'R')
                .op('(')
                .op('(')
                .str("storage")
                .global("torch.cuda", "FloatStorage")
                .str("7")
                .str("cuda:0")
                .num(6)
                .op('t', 'Q')
                .num(1)
                .op('(')
                .num(5)
                .op('t', '(')
                .num(1)
                .op('t', 't', 'b')
                .stop();

        PthTensor t = (PthTensor) load(pickle);

        assertThat(t.shape()).containsExactly(5);
        assertThat(t.offset()).isEqualTo(1);
        assertThat(t.elementsOrThrow(100)).isEqualTo(5);
    }

    @Test
    void refusesALegacyTensorSetToAStorageOfAnotherDtype() {
        byte[] pickle = new Pickle()
                .global("torch", "HalfTensor")
                .op(')', 'R')
                .op('(')
                .storage("k", 2)
                .num(0)
                .op('(')
                .num(2)
                .op('t', '(')
                .num(1)
                .op('t', 't', 'b')
                .stop();

        assertRefused(pickle, "a F16 tensor set to a F32 storage");
    }

    @Test
    void deeplyNestedListsAreReadWithoutRecursion() throws PickleException {
        int depth = 200_000;
        byte[] pickle = new Pickle().repeat(depth, ']').repeat(depth - 1, 'a').stop();

        Object o = load(pickle);

        for (int i = 0; i < depth - 1; i++) {
            o = ((List<?>) o).get(0);
        }
        assertThat((List<?>) o).isEmpty();
    }

    // ---- what it refuses ----

    @Test
    void refusesGlobalsOutsideTheAllowList() {
        assertRefused(
                new Pickle()
                        .global("posix", "system")
                        .str("touch /tmp/x")
                        .op(0x85, 'R')
                        .stop(),
                "refused global 'posix.system'",
                "nothing was executed");
        assertRefused(new Pickle().global("os", "system").stop(), "refused global 'os.system'");
        assertRefused(new Pickle().global("builtins", "eval").stop(), "refused global 'builtins.eval'");
        assertRefused(new Pickle().global("__builtin__", "getattr").stop(), "'__builtin__.getattr'");
        assertRefused(new Pickle().global("torch", "load").stop(), "'torch.load'");
        assertRefused(
                new Pickle().global("torch.nn.modules.linear", "Linear").stop(), "'torch.nn.modules.linear.Linear'");
        // protocol 4's STACK_GLOBAL takes the names from the stack: same allow-list
        assertRefused(
                new Pickle().str("subprocess").str("check_call").op(0x93).stop(),
                "refused global 'subprocess.check_call'");
        assertRefused(new Pickle().num(1).num(2).op(0x93).stop(), "STACK_GLOBAL needs two strings");
    }

    @Test
    void refusesOpcodesThatInstantiateArbitraryClasses() {
        assertRefused(
                new Pickle()
                        .op('(')
                        .op('i')
                        .raw("os\nsystem\n".getBytes(StandardCharsets.UTF_8))
                        .stop(),
                "refused opcode",
                "INST");
        assertRefused(new Pickle().op('(', 'o').stop(), "OBJ");
        assertRefused(new Pickle().op(0x82, 1).stop(), "EXT");
        assertRefused(
                new Pickle().global("collections", "OrderedDict").op(')', 0x81).stop(),
                "refused NEWOBJ of global collections.OrderedDict");
        assertRefused(new Pickle().op(0x92).stop(), "NEWOBJ_EX");
        assertRefused(
                new Pickle().op('I').raw("1\n".getBytes(StandardCharsets.UTF_8)).stop(),
                "unsupported pickle opcode 0x49 ('I')");
    }

    @Test
    void refusesCallsAndBuildsTorchDoesNotAllow() {
        // REDUCE of something that is not an allowed callable
        assertRefused(new Pickle().op('}', ')', 'R').stop(), "REDUCE of a dict of 0, which is not callable");
        assertRefused(
                new Pickle()
                        .global("torch", "FloatStorage")
                        .num(3)
                        .op(0x85, 'R')
                        .stop(),
                "refused call of torch.FloatStorage");
        assertRefused(
                new Pickle()
                        .global("torch._utils", "_rebuild_sparse_tensor")
                        .op(')', 'R')
                        .stop(),
                "_rebuild_sparse_tensor (sparse, meta or untyped tensors) is not supported");
        assertRefused(
                new Pickle().global("collections", "OrderedDict").num(1).op('R').stop(),
                "with int arguments, not a tuple");
        // BUILD only on tensors, Parameters and OrderedDicts (not plain dicts, lists, ...)
        assertRefused(new Pickle().op('}', '}', 'b').stop(), "refused BUILD of a dict of 0");
        assertRefused(new Pickle().op(']', '}', 'b').stop(), "refused BUILD of a list of 0");
        // containers used as the wrong kind
        assertRefused(new Pickle().op('}').num(1).op('a').stop(), "APPEND on a dict of 0, not a list");
        assertRefused(new Pickle().op(']').num(1).num(2).op('s').stop(), "SETITEM on a list of 0, not a dict");
        assertRefused(new Pickle().op('}', ']').num(1).op('s').stop(), "unhashable dict key (list of 0)");
        // the tensor rebuild functions check their arguments
        assertRefused(
                new Pickle()
                        .global("torch._utils", "_rebuild_tensor_v2")
                        .op('(')
                        .num(1)
                        .num(0)
                        .op(')', ')', 0x89, '}', 't', 'R')
                        .stop(),
                "needs a storage, got an int");
        assertRefused(
                new Pickle()
                        .global("torch._utils", "_rebuild_tensor")
                        .op('(')
                        .storage("0", 4)
                        .num(0)
                        .op('(')
                        .num(2)
                        .num(2)
                        .op('t', '(')
                        .num(2)
                        .op('t', 't', 'R')
                        .stop(),
                "2 sizes but 1 strides");
    }

    @Test
    void refusesPersistentIdsOtherThanStorages() {
        assertRefused(
                new Pickle().op('(').str("module").op('N', 't', 'Q').stop(),
                "refused persistent id 'module'",
                "save its state_dict() instead");
        assertRefused(new Pickle().num(3).op('Q').stop(), "persistent id is an int");
    }

    @Test
    void malformedPicklesFailClearly() {
        assertRefused(new Pickle().op(']').out.toByteArray(), "truncated: the pickle ends before its STOP opcode");
        assertRefused(new Pickle().op('h', 7).stop(), "memo index 7 was never stored");
        assertRefused(new Pickle().op('.').out.toByteArray(), "stack underflow");
        assertRefused(new Pickle().op('e').stop(), "no MARK to pop to");
        assertRefused(new Pickle().op('X').int32(1000).raw(new byte[10]).stop(), "truncated");
        assertRefused(new Pickle().op('X').int32(2).op(0xc3, 0x28).stop(), "not valid UTF-8");
        assertRefused(new Pickle().op(0x80, 9).stop(), "unsupported pickle protocol 9");
        assertRefused(new Pickle().op(0x8b).int32(1 << 20).stop(), "an integer of 1048576 bytes");
    }

    @Test
    void boundsNestingAndSize() {
        assertRefused(
                new Pickle()
                        .op(')')
                        .repeat(RestrictedUnpickler.MAX_TUPLE_DEPTH, 0x85)
                        .stop(),
                "tuples nested more than " + RestrictedUnpickler.MAX_TUPLE_DEPTH + " deep");
        assertRefused(
                new Pickle().repeat(RestrictedUnpickler.MAX_OBJECTS + 1, '(').stop(),
                "more than " + RestrictedUnpickler.MAX_OBJECTS + " values");
        assertRefused(
                new Pickle().repeat(RestrictedUnpickler.MAX_OBJECTS + 1, 'N').stop(), "more than");
    }

    @Test
    void readsOnlyUpToTheByteCap() {
        byte[] big = new byte[RestrictedUnpickler.MAX_BYTES + 16];
        byte[] head =
                new Pickle().op('X').int32(RestrictedUnpickler.MAX_BYTES).out.toByteArray();
        System.arraycopy(head, 0, big, 0, head.length);

        assertRefused(big, "larger than " + (RestrictedUnpickler.MAX_BYTES >> 20) + " MiB");
    }
}
