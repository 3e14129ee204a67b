"""Hostile and broken checkpoints, with what torch.load(weights_only=True) itself does with each (torch.tsv).
Usage: pth_hostile.py OUT_DIR"""
import collections
import os
import struct
import subprocess
import sys

import numpy
import torch

from pth_common import *

out = sys.argv[1]
torch.manual_seed(7)


def path(name):
    return os.path.join(out, name)


class Payload:
    """Runs a shell command when unpickled by an unrestricted unpickler."""

    def __init__(self, command, fn=os.system):
        self.command = command
        self.fn = fn

    def __reduce__(self):
        return self.fn, (self.command,)


good = collections.OrderedDict([('a.weight', torch.randn(4, 3)), ('a.bias', torch.randn(4)),
                                ('b.weight', torch.randn(6, 4).half())])

# Templates the Java tests truncate or flip bytes of.
torch.save(good, path('good.zip.pth'))
torch.save(good, path('good.legacy.pth'), _use_new_zipfile_serialization=False)

# Code execution through __reduce__: os.system (pickled as posix.system) and builtins.eval. The *_probe files carry
# the same payload aimed at a probe marker, which an unrestricted torch.load really does create.
for fmt, zip_format in (('zip', True), ('legacy', False)):
    for name, fn in (('system', os.system), ('eval', eval)):
        for suffix in ('', '_probe'):
            marker = path('%s_%s%s.marker' % (name, fmt, suffix))
            command = 'touch ' + marker if fn is os.system else "__import__('os').system('touch %s')" % marker
            torch.save({'w': torch.ones(2), 'x': Payload(command, fn)}, path('%s%s.%s.pth' % (name, suffix, fmt)),
                       _use_new_zipfile_serialization=zip_format)
# prove the payloads are real: unrestricted loading of the probes executes them (in a child process)
subprocess.run([sys.executable, '-c', 'import sys, torch\nfor p in sys.argv[1:]: torch.load(p)']
               + [path('%s_probe.%s.pth' % (n, f)) for n in ('system', 'eval') for f in ('zip', 'legacy')], check=True)

torch.save(torch.nn.Linear(2, 2), path('whole_module.zip.pth'))
torch.save(torch.nn.Linear(2, 2), path('whole_module.legacy.pth'), _use_new_zipfile_serialization=False)
torch.save({'w': numpy.zeros(3, dtype=numpy.float32)}, path('numpy.zip.pth'))
torch.jit.script(torch.nn.Linear(2, 2)).save(path('torchscript.pt'))

# Containers that are not what torch.save writes.
with open(path('good.zip.pth'), 'rb') as f:
    import zipfile
    z = zipfile.ZipFile(f)
    entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
write_zip(path('deflated.zip.pth'), entries, method=8)
data0 = [e for e in entries if e[0].endswith('/data/0')][0]
write_zip(path('huge_declared.zip.pth'), entries, central={data0[0]: {'size': 1 << 40}}, zip64=True)
write_zip(path('size_into_next.zip.pth'), entries, central={data0[0]: {'size': len(data0[1]) + 40}})
write_zip(path('count_lie.zip.pth'), entries, central={'__count__': 60000})
write_zip(path('big_endian.zip.pth'), entries + [(entries[0][0].split('/')[0] + '/byteorder', b'big')])
write_zip(path('no_data_pkl.zip.pth'), [e for e in entries if not e[0].endswith('data.pkl')])
write_zip(path('outside_prefix.zip.pth'), entries + [('other/data.pkl', b'')])

# CRC: one flipped bit in a storage; torch 1.13 loads the corrupted value without noticing.
b = bytearray(open(path('good.zip.pth'), 'rb').read())
z = zipfile.ZipFile(path('good.zip.pth'))
info = z.getinfo(data0[0])
name_len, extra_len = struct.unpack('<HH', b[info.header_offset + 26:info.header_offset + 30])
b[info.header_offset + 30 + name_len + extra_len] ^= 0x40
open(path('crc.zip.pth'), 'wb').write(bytes(b))


# Pickles that lie about storages and shapes, in a torch-style zip around real data.
def tensor_file(name, size, stride, offset=0, numel=12, data_bytes=None, storage='FloatStorage'):
    pkl = dict_pickle([('w', rebuild_v2(zip_pid(storage, '0', numel), offset, size, stride))])
    raw = f32([float(i) for i in range(12)]) if data_bytes is None else data_bytes
    torch_zip(path(name), pkl, [('0', raw)])


tensor_file('crafted_ok.zip.pth', (3, 4), (4, 1))                      # the control: a valid file
tensor_file('storage_short.zip.pth', (3, 4), (4, 1), data_bytes=f32([0.0] * 10))
tensor_file('shape_past_storage.zip.pth', (4, 4), (4, 1))
tensor_file('offset_past_storage.zip.pth', (3,), (1,), offset=10)
tensor_file('negative_size.zip.pth', (-1, 4), (4, 1))
tensor_file('negative_stride.zip.pth', (3, 4), (-4, 1))
tensor_file('negative_offset.zip.pth', (3,), (1,), offset=-1)
tensor_file('overflow.zip.pth', (2 ** 40, 2 ** 40), (0, 0))
tensor_file('too_many_elements.zip.pth', (2 ** 31,), (0,))
tensor_file('too_many_dims.zip.pth', (1,) * 65, (1,) * 65)
tensor_file('offset_beyond_64_bits.zip.pth', (3,), (1,), offset=2 ** 70)
tensor_file('numel_beyond_file.zip.pth', (3,), (1,), numel=2 ** 60)
# one storage of 2^16 floats seen through 3000 broadcast views of 2^20 elements: 3e9 values from a 300 kB file
pkl = dict_pickle([('t%d' % i, rebuild_v2(zip_pid('FloatStorage', '0', 65536), 0, (1024, 1024), (0, 1)))
                   for i in range(3000)])
torch_zip(path('amplification.zip.pth'), pkl, [('0', bytes(4 * 65536))])
torch.save({'b': torch.zeros(1).expand(1000)}, path('broadcast_ok.zip.pth'))

# Legacy format lies.
legacy_pkl = dict_pickle([('w', rebuild_v2(legacy_pid('FloatStorage', 'k1', 12), 0, (3, 4), (4, 1)))])
twelve = f32([float(i) for i in range(12)])
write_legacy(path('legacy_ok.legacy.pth'), legacy_pkl, [('k1', 12, twelve)])
write_legacy(path('legacy_count_mismatch.legacy.pth'), legacy_pkl, [('k1', 11, twelve[:44])])
write_legacy(path('legacy_unknown_key.legacy.pth'), legacy_pkl, [('k1', 12, twelve), ('k9', 1, f32([1.0]))])
write_legacy(path('legacy_missing_key.legacy.pth'), legacy_pkl, [], keys=[])
write_legacy(path('legacy_big_endian.legacy.pth'), legacy_pkl, [('k1', 12, twelve)], little_endian=False)
module_pid = PROTO2 + tup(ustr('module'), glob('torch.nn.modules.linear', 'Linear'), ustr('linear.py'),
                          ustr('source')) + BINPERSID + STOP
write_legacy(path('legacy_module_pid.legacy.pth'), module_pid, [])
with open(path('not_torch.legacy.pth'), 'wb') as f:
    f.write(pickle.dumps({'w': [1.0, 2.0]}, protocol=2))

# Deep structures: nested lists next to the state dict (harmless), nested tuples, a flood of MARKs.
N = 100000
state = ustr('state_dict') + dict_pickle([('w', rebuild_v2(zip_pid('FloatStorage', '0', 12), 0, (12,), (1,)))])[2:-1]
junk = ustr('junk') + EMPTY_LIST * N + APPEND * (N - 1)
torch_zip(path('deep_lists.zip.pth'), PROTO2 + EMPTY_DICT + MARK + state + junk + SETITEMS + STOP, [('0', twelve)])
tuples = ustr('junk') + EMPTY_TUPLE + TUPLE1 * N
torch_zip(path('deep_tuples.zip.pth'), PROTO2 + EMPTY_DICT + MARK + state + tuples + SETITEMS + STOP, [('0', twelve)])
torch_zip(path('marks.zip.pth'), PROTO2 + MARK * 2000000 + STOP, [])

# Top-level objects that are not state dicts.
torch.save([torch.ones(2)], path('list.zip.pth'))
torch.save({'w': torch.ones(2), 'epoch': 3}, path('mixed.zip.pth'))
torch.save({'state_dict': [torch.ones(2)]}, path('bad_wrapper.zip.pth'))

# What torch.load(weights_only=True) makes of each file: ok, or its error.
verdicts = []
for name in sorted(os.listdir(out)):
    if not (name.endswith('.pth') or name.endswith('.pt')):
        continue
    try:
        torch.load(path(name), weights_only=True)
        verdicts.append(name + '\tok')
    except BaseException as ex:  # noqa: B036 (deep structures may raise RecursionError)
        verdicts.append(name + '\t' + (type(ex).__name__ + ': ' + str(ex)).replace('\n', ' ').replace('\t', ' ')[:300])
with open(path('torch.tsv'), 'w') as f:
    f.write('\n'.join(verdicts) + '\n')

# torch's own allow-list, to compare with the Java one.
from torch._weights_only_unpickler import _get_allowed_globals
with open(path('allowed_globals.txt'), 'w') as f:
    f.write('\n'.join(sorted(_get_allowed_globals())) + '\n')
