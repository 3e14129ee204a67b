"""Writes an Inception-v3-sized state dict (torchvision inception_v3 without the aux head: 566 float tensors, 23.9 M
values, plus 94 BatchNorm counters) as torch.save zip, torch.save legacy and safetensors, then times torch.load of
each .pth in a child process. Usage: make_checkpoints.py OUT_DIR"""
import json
import os
import struct
import subprocess
import sys
import time

if len(sys.argv) == 3 and sys.argv[1] == '--load':
    import torch


    def rss_mib(field):
        with open('/proc/self/status') as f:
            return next(int(line.split()[1]) for line in f if line.startswith(field)) / 1024


    rss0 = rss_mib('VmRSS:')
    t0 = time.perf_counter()
    sd = torch.load(sys.argv[2], weights_only=True)
    ms = (time.perf_counter() - t0) * 1000
    print('reader=torch.load(weights_only=True) file=%s torch=%s tensors=%d first_ms=%.0f rss_growth_mib=%.0f'
          ' peak_rss_mib=%.0f (python + torch)' % (os.path.basename(sys.argv[2]), torch.__version__, len(sd), ms,
                                                    rss_mib('VmRSS:') - rss0, rss_mib('VmHWM:')))
    sys.exit(0)

import torch
import torchvision

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
sd = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False).state_dict()
floats = sum(t.numel() for t in sd.values() if t.is_floating_point())
torch.save(sd, os.path.join(out, 'inception_v3.zip.pth'))
torch.save(sd, os.path.join(out, 'inception_v3.legacy.pth'), _use_new_zipfile_serialization=False)

# safetensors, written by hand (the layout of safetensors.torch.save_file): same tensors, for a side-by-side
header, blobs, offset = {}, [], 0
for key, t in sorted(sd.items(), key=lambda kv: (kv[1].dtype != torch.int64, kv[0])):
    raw = t.contiguous().numpy().tobytes()
    header[key] = {'dtype': 'I64' if t.dtype == torch.int64 else 'F32', 'shape': list(t.shape),
                   'data_offsets': [offset, offset + len(raw)]}
    blobs.append(raw)
    offset += len(raw)
h = json.dumps(header, separators=(',', ':')).encode()
h += b' ' * (-len(h) % 8)
with open(os.path.join(out, 'inception_v3.safetensors'), 'wb') as f:
    f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
print('state dict: %d entries, %d float values (%.1f MB of float32), torch %s'
      % (len(sd), floats, floats * 4 / 1e6, torch.__version__))
for name in ('inception_v3.zip.pth', 'inception_v3.legacy.pth'):
    subprocess.run([sys.executable, __file__, '--load', os.path.join(out, name)], check=True)
