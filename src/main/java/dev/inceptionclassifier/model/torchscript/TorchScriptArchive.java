package dev.inceptionclassifier.model.torchscript;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript archive for an emitted class, as {@code torch.jit.save} lays it out: a zip of stored
 * (uncompressed) entries under one top folder, {@code version} (3), {@code constants.pkl} (an empty tuple),
 * {@code data.pkl} (the module object with its attributes, pickled with protocol 2) and {@code code/__torch__.py}
 * (the class). The optional {@code .debug_pkl} source maps are left out. The module holds no tensors, so the archive
 * has no {@code data/} records either; it is a few tens of kilobytes.
 */
public final class TorchScriptArchive {

    /** The attributes of every emitted module: name and TorchScript type, in declaration order. */
    static final String[][] ATTRIBUTES = {
        {"training", "bool"},
        {"_is_full_backward_hook", "NoneType"},
        {"w", "Dict[str, Tensor]"},
        {"h", "Dict[str, Tensor]"},
        {"dtype", "int"},
        {"head_dtype", "int"},
        {"channels_last", "bool"},
    };

    private TorchScriptArchive() {}

    /**
     * Writes the archive of {@code className}, whose TorchScript source is {@code source}, in eval mode with empty
     * weight dicts.
     *
     * @param archiveName the top folder of the zip (torch.jit.save uses the file name without extension)
     */
    public static void write(OutputStream out, String archiveName, String className, String source) throws IOException {
        if (!archiveName.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("archive name must be a simple identifier: " + archiveName);
        }
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", dataPickle(className));
        records.put("code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
        records.put("constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        records.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, byte[]> r : records.entrySet()) {
            byte[] data = r.getValue();
            ZipEntry entry = new ZipEntry(archiveName + "/" + r.getKey());
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(data.length);
            entry.setCompressedSize(data.length);
            CRC32 crc = new CRC32();
            crc.update(data);
            entry.setCrc(crc.getValue());
            entry.setTime(315532800000L); // 1980-01-01, the zip epoch: the same program gives the same bytes
            zip.putNextEntry(entry);
            zip.write(data);
            zip.closeEntry();
        }
        zip.finish();
    }

    /** The archive as bytes. */
    public static byte[] bytes(String archiveName, String className, String source) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out, archiveName, className, source);
        } catch (IOException e) {
            throw new IllegalStateException(e); // cannot happen in memory
        }
        return out.toByteArray();
    }

    /**
     * {@code __torch__.<className>} rebuilt with {@code NEWOBJ} and its attributes set with {@code BUILD}: what
     * PyTorch's pickler writes for a scripted module without tensors. Typed empty dicts are wrapped in
     * {@code torch.jit._pickle.restore_type_tag} so the loader knows their element types.
     */
    static byte[] dataPickle(String className) {
        Pickler p = new Pickler();
        p.proto2();
        p.global("__torch__", className);
        p.op(Pickler.EMPTY_TUPLE);
        p.op(Pickler.NEWOBJ);
        p.op(Pickler.EMPTY_DICT);
        p.op(Pickler.MARK);
        for (String[] attribute : ATTRIBUTES) {
            p.string(attribute[0]);
            switch (attribute[0]) {
                case "training", "channels_last" -> p.op(Pickler.NEWFALSE);
                case "_is_full_backward_hook" -> p.op(Pickler.NONE);
                case "w", "h" -> {
                    p.global("torch.jit._pickle", "restore_type_tag");
                    p.op(Pickler.EMPTY_DICT);
                    p.string(attribute[1]);
                    p.op(Pickler.TUPLE2);
                    p.op(Pickler.REDUCE);
                }
                case "dtype", "head_dtype" -> p.int32(TorchScriptEmitter.FLOAT32);
                default -> throw new IllegalStateException("no initial value for " + attribute[0]);
            }
        }
        p.op(Pickler.SETITEMS);
        p.op(Pickler.BUILD);
        p.op(Pickler.STOP);
        return p.bytes();
    }

    /** The few pickle opcodes a tensor-free module needs (pickletools names). */
    private static final class Pickler {

        static final byte MARK = '(';
        static final byte STOP = '.';
        static final byte NONE = 'N';
        static final byte NEWTRUE = (byte) 0x88;
        static final byte NEWFALSE = (byte) 0x89;
        static final byte EMPTY_TUPLE = ')';
        static final byte TUPLE2 = (byte) 0x86;
        static final byte EMPTY_DICT = '}';
        static final byte SETITEMS = 'u';
        static final byte NEWOBJ = (byte) 0x81;
        static final byte REDUCE = 'R';
        static final byte BUILD = 'b';

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void proto2() {
            out.write(0x80);
            out.write(2);
        }

        void op(byte code) {
            out.write(code);
        }

        void global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        /** BINUNICODE: length (4 bytes, little-endian) and UTF-8. */
        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            le32(utf8.length);
            out.writeBytes(utf8);
        }

        /** BININT: a signed 32-bit little-endian integer. */
        void int32(int v) {
            out.write('J');
            le32(v);
        }

        private void le32(int v) {
            out.write(v);
            out.write(v >>> 8);
            out.write(v >>> 16);
            out.write(v >>> 24);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
