package dev.inceptionclassifier.model.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The directory of a zip archive whose entries are stored uncompressed, as {@code torch.save} writes them, so that
 * every entry is a byte range of the file that can be mapped and sliced instead of extracted. Compressed entries are
 * listed but never inflated (the reader refuses to use them), which rules out zip bombs; encrypted ones are refused.
 * Every declared size and offset is checked against the file, entries may not overlap, and zip64 records are read for
 * archives past 4 GiB.
 */
final class StoredZip {

    static final int MAX_ENTRIES = 1 << 20;
    static final long MAX_CENTRAL_DIRECTORY = 256L << 20;

    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;

    /**
     * One entry: its bytes are {@code dataOffset .. dataOffset + size} of the file. {@code method} 0 means stored; any
     * other (a compressed entry, e.g. the code of a TorchScript archive) is listed but its bytes are never used.
     */
    record Entry(String name, long dataOffset, long size, int crc, int method) {

        boolean isStored() {
            return method == 0;
        }
    }

    private final Map<String, Entry> entries;

    private StoredZip(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** The entries in central-directory order. */
    Map<String, Entry> entries() {
        return entries;
    }

    Entry get(String name) {
        return entries.get(name);
    }

    /** Reads and validates the central directory of {@code file}. */
    static StoredZip read(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 22) {
            throw new CheckpointFormatException(file, "truncated zip archive: " + fileSize + " bytes");
        }
        int tailLength = (int) Math.min(fileSize, 22 + 0xffff);
        ByteBuffer tail = read(channel, fileSize - tailLength, tailLength);
        int eocd = -1;
        for (int i = tailLength - 22; i >= 0; i--) {
            if (tail.getInt(i) == EOCD && i + 22 + (tail.getShort(i + 20) & 0xffff) == tailLength) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new CheckpointFormatException(
                    file,
                    "truncated zip archive: no end-of-central-directory record"
                            + " (the file was cut short or is not a zip archive)");
        }
        long eocdPosition = fileSize - tailLength + eocd;
        int disk = tail.getShort(eocd + 4) & 0xffff;
        int cdDisk = tail.getShort(eocd + 6) & 0xffff;
        long count = tail.getShort(eocd + 10) & 0xffff;
        long cdSize = tail.getInt(eocd + 12) & 0xffffffffL;
        long cdOffset = tail.getInt(eocd + 16) & 0xffffffffL;
        long cdLimit = eocdPosition;
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            if (eocdPosition < 20) {
                throw new CheckpointFormatException(file, "corrupt zip64 archive: no zip64 locator");
            }
            ByteBuffer locator = read(channel, eocdPosition - 20, 20);
            if (locator.getInt(0) != ZIP64_LOCATOR) {
                throw new CheckpointFormatException(file, "corrupt zip64 archive: no zip64 locator");
            }
            long z64 = locator.getLong(8);
            if (z64 < 0 || z64 > eocdPosition - 20 - 56) {
                throw new CheckpointFormatException(
                        file, "corrupt zip64 archive: its end record at " + z64 + " lies outside the file");
            }
            ByteBuffer record = read(channel, z64, 56);
            if (record.getInt(0) != ZIP64_EOCD) {
                throw new CheckpointFormatException(file, "corrupt zip64 archive: bad zip64 end record");
            }
            disk = record.getInt(16);
            cdDisk = record.getInt(20);
            count = record.getLong(32);
            cdSize = record.getLong(40);
            cdOffset = record.getLong(48);
            cdLimit = z64;
        }
        if (disk != 0 || cdDisk != 0) {
            throw new CheckpointFormatException(file, "multi-volume zip archives are not supported");
        }
        if (count < 0 || count > MAX_ENTRIES) {
            throw new CheckpointFormatException(
                    file, "zip archive declares " + count + " entries; at most " + MAX_ENTRIES + " are accepted");
        }
        if (cdSize < 0 || cdOffset < 0 || cdSize > MAX_CENTRAL_DIRECTORY || cdOffset > cdLimit - cdSize) {
            throw new CheckpointFormatException(
                    file,
                    "corrupt zip archive: central directory of " + cdSize + " bytes at " + cdOffset
                            + " does not fit before byte " + cdLimit);
        }
        ByteBuffer cd = read(channel, cdOffset, (int) cdSize);
        List<long[]> spans = new ArrayList<>((int) count);
        Map<String, Entry> byName = new LinkedHashMap<>();
        int p = 0;
        for (long n = 0; n < count; n++) {
            if (p > cd.limit() - 46 || cd.getInt(p) != CENTRAL) {
                throw new CheckpointFormatException(
                        file, "corrupt zip archive: central directory entry " + n + " is malformed");
            }
            int flags = cd.getShort(p + 8) & 0xffff;
            int method = cd.getShort(p + 10) & 0xffff;
            int crc = cd.getInt(p + 16);
            long compressed = cd.getInt(p + 20) & 0xffffffffL;
            long size = cd.getInt(p + 24) & 0xffffffffL;
            int nameLength = cd.getShort(p + 28) & 0xffff;
            int extraLength = cd.getShort(p + 30) & 0xffff;
            int commentLength = cd.getShort(p + 32) & 0xffff;
            long localOffset = cd.getInt(p + 42) & 0xffffffffL;
            int next = p + 46 + nameLength + extraLength + commentLength;
            if (next > cd.limit()) {
                throw new CheckpointFormatException(
                        file, "corrupt zip archive: central directory entry " + n + " runs past the directory");
            }
            String name = utf8(file, cd, p + 46, nameLength);
            if (size == 0xffffffffL || compressed == 0xffffffffL || localOffset == 0xffffffffL) {
                long[] z = zip64Extra(
                        file,
                        name,
                        cd,
                        p + 46 + nameLength,
                        extraLength,
                        size == 0xffffffffL,
                        compressed == 0xffffffffL,
                        localOffset == 0xffffffffL);
                size = size == 0xffffffffL ? z[0] : size;
                compressed = compressed == 0xffffffffL ? z[1] : compressed;
                localOffset = localOffset == 0xffffffffL ? z[2] : localOffset;
            }
            if ((flags & 1) != 0) {
                throw new CheckpointFormatException(file, "zip entry '" + name + "' is encrypted");
            }
            if (method == 0 && compressed != size) {
                throw new CheckpointFormatException(
                        file,
                        "corrupt zip archive: stored entry '" + name + "' declares " + compressed + " bytes but " + size
                                + " uncompressed");
            }
            // only the bytes in the file matter: compressed entries are never inflated, so no zip bomb can go off
            size = compressed;
            if (size < 0 || localOffset < 0 || localOffset > cdOffset - 30) {
                throw new CheckpointFormatException(
                        file, "corrupt zip archive: entry '" + name + "' starts outside the file's data region");
            }
            ByteBuffer local = read(channel, localOffset, 30);
            if (local.getInt(0) != LOCAL) {
                throw new CheckpointFormatException(
                        file, "corrupt zip archive: no local header for entry '" + name + "' at byte " + localOffset);
            }
            int localName = local.getShort(26) & 0xffff;
            int localExtra = local.getShort(28) & 0xffff;
            long dataOffset = localOffset + 30 + localName + localExtra;
            if (dataOffset > cdOffset || size > cdOffset - dataOffset) {
                throw new CheckpointFormatException(
                        file,
                        "truncated or corrupt zip archive: entry '" + name
                                + "' declares " + size + " bytes at " + dataOffset
                                + ", past the end of the data region ("
                                + cdOffset + ")");
            }
            if (localName != nameLength
                    || !name.equals(utf8(file, read(channel, localOffset + 30, localName), 0, localName))) {
                throw new CheckpointFormatException(
                        file, "corrupt zip archive: the local header of entry '" + name + "' names another entry");
            }
            Entry e = new Entry(name, dataOffset, size, crc, method);
            if (byName.putIfAbsent(name, e) != null) {
                throw new CheckpointFormatException(file, "corrupt zip archive: entry '" + name + "' appears twice");
            }
            spans.add(new long[] {localOffset, dataOffset + size});
            p = next;
        }
        spans.sort(Comparator.comparingLong(s -> s[0]));
        for (int i = 1; i < spans.size(); i++) {
            if (spans.get(i)[0] < spans.get(i - 1)[1]) {
                throw new CheckpointFormatException(
                        file, "corrupt zip archive: entries overlap at byte " + spans.get(i)[0]);
            }
        }
        return new StoredZip(byName);
    }

    /** The zip64 extra field's values for the 32-bit fields that are 0xffffffff: size, compressed size, offset. */
    private static long[] zip64Extra(
            Path file,
            String name,
            ByteBuffer cd,
            int start,
            int length,
            boolean wantSize,
            boolean wantCompressed,
            boolean wantOffset)
            throws CheckpointFormatException {
        int p = start;
        while (p + 4 <= start + length) {
            int id = cd.getShort(p) & 0xffff;
            int size = cd.getShort(p + 2) & 0xffff;
            if (p + 4 + size > start + length) {
                break;
            }
            if (id == 1) {
                long[] values = new long[3];
                int q = p + 4;
                boolean[] wanted = {wantSize, wantCompressed, wantOffset};
                for (int i = 0; i < 3; i++) {
                    if (wanted[i]) {
                        if (q + 8 > p + 4 + size) {
                            throw new CheckpointFormatException(
                                    file, "corrupt zip64 extra field for entry '" + name + "'");
                        }
                        values[i] = cd.getLong(q);
                        q += 8;
                    }
                }
                return values;
            }
            p += 4 + size;
        }
        throw new CheckpointFormatException(
                file, "corrupt zip archive: entry '" + name + "' has 32-bit overflow markers but no zip64 extra field");
    }

    private static String utf8(Path file, ByteBuffer b, int offset, int length) throws CheckpointFormatException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(b.slice(offset, length))
                    .toString();
        } catch (CharacterCodingException ex) {
            throw new CheckpointFormatException(file, "corrupt zip archive: an entry name is not valid UTF-8");
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
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
