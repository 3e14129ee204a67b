"""Helpers shared by the .pth test scripts: a pickle assembler, writers for both torch.save container formats that
can also lie (for hostile files), and the reference dump the Java tests compare against."""
import collections
import io
import pickle
import struct
import zlib

import torch

# ---- pickle assembly (protocol 2 opcodes, as torch.save writes them) ----
MARK, STOP, TUPLE, EMPTY_TUPLE, REDUCE, BUILD = b'(', b'.', b't', b')', b'R', b'b'
EMPTY_DICT, SETITEM, SETITEMS, EMPTY_LIST, APPEND, APPENDS = b'}', b's', b'u', b']', b'a', b'e'
BINPERSID, NONE, NEWTRUE, NEWFALSE, PROTO2, TUPLE1 = b'Q', b'N', b'\x88', b'\x89', b'\x80\x02', b'\x85'


def glob(module, name):
    return b'c' + module.encode() + b'\n' + name.encode() + b'\n'


def ustr(s):
    b = s.encode()
    return b'X' + struct.pack('<I', len(b)) + b


def py2str(s):
    """Python 2's str: SHORT_BINSTRING, as in checkpoints written under Python 2."""
    b = s.encode()
    assert len(b) < 256
    return b'U' + bytes([len(b)]) + b


def num(n):
    if 0 <= n < 256:
        return b'K' + bytes([n])
    if -2 ** 31 <= n < 2 ** 31:
        return b'J' + struct.pack('<i', n)
    b = n.to_bytes((n.bit_length() + 8) // 8, 'little', signed=True)
    return b'\x8a' + bytes([len(b)]) + b


def tup(*items):
    return MARK + b''.join(items) + TUPLE


def empty_ordered_dict():
    return glob('collections', 'OrderedDict') + EMPTY_TUPLE + REDUCE


def zip_pid(storage_class, key, numel, s=ustr):
    return tup(s('storage'), glob('torch', storage_class), s(key), s('cpu'), num(numel)) + BINPERSID


def legacy_pid(storage_class, key, numel, view=None, s=ustr):
    v = NONE if view is None else tup(s(view[0]), num(view[1]), num(view[2]))
    return tup(s('storage'), glob('torch', storage_class), s(key), s('cpu'), num(numel), v) + BINPERSID


def rebuild_v2(pid, offset, size, stride):
    return (glob('torch._utils', '_rebuild_tensor_v2')
            + tup(pid, num(offset), tup(*map(num, size)), tup(*map(num, stride)), NEWFALSE, empty_ordered_dict())
            + REDUCE)


def dict_pickle(items, s=ustr):
    """A plain dict {key: value-pickle}."""
    return PROTO2 + EMPTY_DICT + MARK + b''.join(s(k) + v for k, v in items) + SETITEMS + STOP


# ---- containers ----
MAGIC = 0x1950a86a20f9469cfc6c


def write_legacy(path, obj_pickle, storages, little_endian=True, keys=None):
    """The legacy format: magic, protocol, sys info, the object, the key list, then each storage (int64 count + bytes).
    storages: list of (key, element_count, raw bytes)."""
    with open(path, 'wb') as f:
        f.write(pickle.dumps(MAGIC, protocol=2))
        f.write(pickle.dumps(1001, protocol=2))
        f.write(pickle.dumps({'protocol_version': 1001, 'little_endian': little_endian,
                              'type_sizes': {'short': 2, 'int': 4, 'long': 4}}, protocol=2))
        f.write(obj_pickle)
        f.write(pickle.dumps([k for k, _, _ in storages] if keys is None else keys, protocol=2))
        for _, n, raw in storages:
            f.write(struct.pack('<q', n))
            f.write(raw)


def write_zip(path, entries, central=None, zip64=False, method=0):
    """A stored zip archive laid out like PyTorch's writer. entries: list of (name, bytes). central: {name: {field:
    value}} overrides what the central directory declares (size, offset), so that it can lie. zip64 writes zip64
    extra fields and end records even for small archives. method: the compression method to declare (and apply,
    for 8 = deflate)."""
    central = central or {}
    out = io.BytesIO()
    records = []
    for name, data in entries:
        nb = name.encode()
        payload = data
        if method == 8:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            payload = c.compress(data) + c.flush()
        crc = zlib.crc32(data) & 0xffffffff
        offset = out.tell()
        out.write(struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, method, 0, 0, crc, len(payload), len(data),
                              len(nb), 0))
        out.write(nb)
        out.write(payload)
        records.append((nb, crc, len(payload), len(data), offset))
    cd_start = out.tell()
    for nb, crc, csize, size, offset in records:
        o = central.get(nb.decode(), {})
        size = o.get('size', size)
        csize = o.get('size', csize) if method == 0 else csize
        offset = o.get('offset', offset)
        extra = b''
        if zip64:
            extra = struct.pack('<HHQQQ', 1, 24, size, csize, offset)
            size32 = csize32 = offset32 = 0xffffffff
        else:
            size32, csize32, offset32 = size, csize, offset
        out.write(struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45, 0, method, 0, 0, crc, csize32, size32,
                              len(nb), len(extra), 0, 0, 0, 0, offset32))
        out.write(nb)
        out.write(extra)
    cd_size = out.tell() - cd_start
    count = central.get('__count__', len(records))
    if zip64:
        z64 = out.tell()
        out.write(struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, count, count, cd_size, cd_start))
        out.write(struct.pack('<IIQI', 0x07064b50, 0, z64, 1))
        out.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xffff, 0xffff, 0xffffffff, 0xffffffff, 0))
    else:
        out.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, count, count, cd_size, cd_start, 0))
    with open(path, 'wb') as f:
        f.write(out.getvalue())


def torch_zip(path, pkl, storages, **kw):
    """A torch.save-style archive: archive/data.pkl, archive/data/<key>, archive/version."""
    entries = [('archive/data.pkl', pkl)] + [('archive/data/' + k, raw) for k, raw in storages]
    entries.append(('archive/version', b'3\n'))
    write_zip(path, entries, **kw)


def f32(values):
    return struct.pack('<%df' % len(values), *values)


# ---- reference dump ----
def state_dict_of(obj):
    """The reader's rule: the dict itself if every value is a tensor, else its 'state_dict', else its 'model'."""
    if all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items()):
        return obj
    for key in ('state_dict', 'model'):
        if key in obj:
            return obj[key]
    raise ValueError('no state dict')


def dump_reference(path, obj):
    """path.expected.tsv: key, dtype, shape, offset into path.expected.f32 (float32 values of float tensors, as
    tensor.float() gives them, row-major); integer tensors get offset -1 and no values."""
    values = []
    lines = []
    offset = 0
    for key, t in state_dict_of(obj).items():
        shape = ','.join(str(d) for d in t.shape)
        if t.is_floating_point():
            v = t.detach().float().contiguous().reshape(-1)
            values.append(v.numpy().astype('<f4').tobytes())
            lines.append('%s\t%s\t%s\t%d' % (key, str(t.dtype).replace('torch.', ''), shape, offset))
            offset += v.numel()
        else:
            lines.append('%s\t%s\t%s\t-1' % (key, str(t.dtype).replace('torch.', ''), shape))
    with open(path + '.expected.tsv', 'w') as f:
        f.write('\n'.join(lines) + '\n')
    with open(path + '.expected.f32', 'wb') as f:
        f.write(b''.join(values))
