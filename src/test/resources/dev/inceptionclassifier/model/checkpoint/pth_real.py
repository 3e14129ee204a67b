"""Checkpoints written by real PyTorch (and old-format ones assembled by hand and accepted by torch.load), each with
the reference values torch.load returns. Usage: pth_real.py OUT_DIR"""
import collections
import os
import struct
import sys

import torch

from pth_common import *

out = sys.argv[1]
torch.manual_seed(20240611)


def path(name):
    return os.path.join(out, name)


def save_both(name, obj):
    """torch.save in both container formats, then the reference from torch.load of what was written."""
    for fmt, zip_format in (('zip', True), ('legacy', False)):
        p = path('%s.%s.pth' % (name, fmt))
        torch.save(obj, p, _use_new_zipfile_serialization=zip_format)
        try:
            loaded = torch.load(p, weights_only=True)
        except Exception:
            # torch 1.13's weights_only unpickler has no BINFLOAT: training checkpoints with floats need the full one
            loaded = torch.load(p)
        dump_reference(p, loaded)


# 1. Every dtype, view and sharing pattern a state dict can hold.
sd = collections.OrderedDict()
sd['conv.weight'] = torch.randn(8, 3, 3, 3)
sd['bn.weight'] = torch.rand(8) + 0.5
sd['bn.bias'] = torch.randn(8)
sd['bn.running_mean'] = torch.randn(8)
sd['bn.running_var'] = torch.rand(8) + 0.5
sd['bn.num_batches_tracked'] = torch.tensor(1234)
sd['fc.weight'] = torch.randn(10, 8)
sd['fc.bias'] = torch.randn(10)
specials = [float('inf'), float('-inf'), -0.0, 65504.0, 6e-8, -1e-5, 1.0 / 3]
sd['half'] = torch.cat([torch.tensor(specials), torch.randn(28)]).reshape(5, 7).half()
sd['brain'] = torch.cat([torch.tensor(specials), torch.randn(26) * 1e3]).bfloat16()
doubles = [1.0 / 3, 1e-40, 1e39, -1e-50, 2.0 ** -149, 1 + 2.0 ** -24, 1 + 3 * 2.0 ** -24, -123456789.123456789]
sd['double'] = torch.cat([torch.tensor(doubles, dtype=torch.float64),
                          torch.randn(12, dtype=torch.float64)]).reshape(4, 5)
sd['scalar'] = torch.tensor(4.25)
sd['empty'] = torch.zeros(0, 4)
sd['fc.weight_t'] = sd['fc.weight'].t()                          # shares fc.weight's storage, transposed
sd['conv.slice'] = sd['conv.weight'][2:5, :, 1:, ::2]            # offset and strides into conv.weight
sd['broadcast'] = torch.tensor([1.5, -2.5]).expand(3, 2)         # stride 0
flat = torch.randn(100)
sd['flat.a'] = flat[10:30].view(4, 5)                            # two views of one storage
sd['flat.b'] = flat[50:]
sd['channels_last'] = torch.randn(2, 3, 4, 5).contiguous(memory_format=torch.channels_last)
sd['half_t'] = sd['half'].t()
sd['double_t'] = sd['double'].t()[1:, ::2]
sd['tied'] = sd['fc.bias']                                       # the same tensor under two keys
sd._metadata = collections.OrderedDict([('', {'version': 1}), ('bn', {'version': 2})])
save_both('dtypes', sd)

# 2. A real module's state dict: the layout of torchvision's Inception-v3 block InceptionA(32, pool_features=8)
#    (conv + BatchNorm pairs, the BatchNorms with their running statistics and counters), built from torch.nn alone.
class BasicConv2d(torch.nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = torch.nn.Conv2d(cin, cout, k, bias=False)
        self.bn = torch.nn.BatchNorm2d(cout, eps=0.001)


block = torch.nn.Module()
for name, cin, cout, k in (('branch1x1', 32, 64, 1), ('branch5x5_1', 32, 48, 1), ('branch5x5_2', 48, 64, 5),
                           ('branch3x3dbl_1', 32, 64, 1), ('branch3x3dbl_2', 64, 96, 3),
                           ('branch3x3dbl_3', 96, 96, 3), ('branch_pool', 32, 8, 1)):
    block.add_module(name, BasicConv2d(cin, cout, k))
for m in block.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        m.running_mean.uniform_(-1, 1)
        m.running_var.uniform_(0.5, 2)
        m.num_batches_tracked.fill_(17)
save_both('module', block.state_dict())

# 3. Parameters rather than tensors (state_dict(keep_vars=True)): torch._utils._rebuild_parameter.
save_both('parameters', torch.nn.Linear(4, 3).state_dict(keep_vars=True))

# 4. Training checkpoints wrapping the state dict.
small = collections.OrderedDict([('a.weight', torch.randn(3, 2)), ('a.bias', torch.randn(3))])
opt = torch.optim.SGD([torch.nn.Parameter(torch.randn(3, 2))], lr=0.1, momentum=0.9)
opt.state[opt.param_groups[0]['params'][0]] = {'momentum_buffer': torch.randn(3, 2)}
save_both('wrapped_state_dict', {'epoch': 7, 'arch': 'tiny', 'state_dict': small, 'optimizer': opt.state_dict(),
                                 'best_acc1': 0.75})
save_both('wrapped_model', {'model': small})
save_both('wrapped_both', {'model': collections.OrderedDict([('other', torch.ones(1))]), 'state_dict': small})

# 5. An integer tensor that is not a BatchNorm counter.
save_both('ints', collections.OrderedDict([('w', torch.randn(2)), ('ids', torch.arange(4, dtype=torch.int32))]))

# 6. Old formats, assembled by hand in the legacy container and checked by torch.load(weights_only=True):
#    pre-0.4 tensors (torch.FloatTensor() + BUILD, and _rebuild_tensor), Python 2 strings, Python 2's OrderedDict
#    pickle (a list of [key, value] lists), a storage view, torch.Size, a 0.3-era Parameter.
w = torch.randn(4, 3)
h = torch.randn(6).half()
d = torch.randn(2, 2, dtype=torch.float64)
big = torch.randn(20)
s = py2str


def pair(key, value):
    return EMPTY_LIST + MARK + s(key) + value + APPENDS


legacy_tensor = (glob('torch', 'FloatTensor') + EMPTY_TUPLE + REDUCE
                 + tup(legacy_pid('FloatStorage', '140001', 12, s=s), num(0), tup(num(4), num(3)), tup(num(3), num(1)))
                 + BUILD)
legacy_half = (glob('torch', 'HalfTensor') + EMPTY_TUPLE + REDUCE
               + tup(legacy_pid('HalfStorage', '140002', 6, s=s), num(1), tup(num(5)), tup(num(1))) + BUILD)
rebuild_tensor = (glob('torch._utils', '_rebuild_tensor')
                  + tup(legacy_pid('DoubleStorage', '140003', 4, s=s), num(0),
                        glob('torch', 'Size') + tup(num(2), num(2)) + TUPLE1 + REDUCE, tup(num(1), num(2)))
                  + REDUCE)
view_tensor = (glob('torch._utils', '_rebuild_tensor')
               + tup(legacy_pid('FloatStorage', '140004', 20, view=('140005', 5, 10), s=s), num(2), tup(num(2), num(3)),
                     tup(num(3), num(1)))
               + REDUCE)
parameter = (glob('torch.nn.parameter', 'Parameter')
             + tup(glob('torch', 'FloatTensor') + EMPTY_TUPLE + REDUCE
                   + tup(legacy_pid('FloatStorage', '140001', 12, s=s), num(3), tup(num(9)), tup(num(1))) + BUILD)
             + REDUCE + tup(NEWTRUE, NEWFALSE, empty_ordered_dict()) + BUILD)
old = (PROTO2 + glob('collections', 'OrderedDict') + EMPTY_LIST + MARK
       + pair('features.0.weight', legacy_tensor) + pair('features.0.half', legacy_half)
       + pair('features.1.double', rebuild_tensor) + pair('features.2.view', view_tensor)
       + pair('classifier.weight', parameter)
       + APPENDS + TUPLE1 + REDUCE + STOP)
old_path = path('old_py2.legacy.pth')
write_legacy(old_path, old, [('140001', 12, w.numpy().tobytes()), ('140002', 6, h.numpy().tobytes()),
                             ('140003', 4, d.numpy().tobytes()), ('140004', 20, big.numpy().tobytes())],
             keys=['140001', '140002', '140003', '140004'])
dump_reference(old_path, torch.load(old_path, weights_only=True))

# 7. A torch.save archive rewritten with zip64 records (as PyTorch writes past 4 GiB).
zdir = 'archive'
pkl = dict_pickle([('w', rebuild_v2(zip_pid('FloatStorage', '0', 6), 0, (2, 3), (3, 1)))])
z64 = path('zip64.zip.pth')
torch_zip(z64, pkl, [('0', f32([1, 2, 3, 4, 5, 6]))], zip64=True)
dump_reference(z64, torch.load(z64, weights_only=True))
