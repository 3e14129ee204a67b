#!/usr/bin/env python3
"""Exports timm's network traced to TorchScript, so that bench/run-engine.sh --torchscript can run it through DJL next
to the compiled program: <out>/timm-<arch>-fp32.pt (as timm builds it) and <out>/timm-<arch>-bf16.pt (weights and
activations bfloat16, channels-last, the input cast inside, float32 logits out: what the compiled program does in
bf16). Also <out>/timm-<arch>.safetensors, the same weights as timm's model.safetensors, which bench/run-engine.sh
--weights loads into the service's own networks: every row of a comparison then computes with the same numbers (the
speed of float arithmetic can depend on them, e.g. through denormals). timm's random initial weights; the files are
large (85 to 225 MB each), so write them outside the repository.

    /usr/bin/python3 bench/python/export_timm_torchscript.py --timm /path/to/pytorch-image-models \\
        --arch inception_v4 --out /tmp/timm-torchscript
"""
import argparse
import json
import os
import struct

import common


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timm", required=True, help="timm source checkout (tested: v0.9.16)")
    ap.add_argument("--arch", default="inception_v4")
    ap.add_argument("--out", required=True, help="folder for the .pt files (created)")
    ap.add_argument("--input-size", type=int, default=299)
    a = ap.parse_args()

    timm = common.import_timm(a.timm)
    import torch

    class Bf16(torch.nn.Module):
        """Casts the float32 NCHW input to bf16 channels-last, runs the network, returns float32."""

        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, x):
            return self.net(x.to(torch.bfloat16).contiguous(memory_format=torch.channels_last)).float()

    def save_safetensors(state, path):
        """timm's save_file(model.state_dict()) layout: F32 tensors and I64 counters, offsets after the header."""
        header, blobs, offset = {}, [], 0
        for name, t in state.items():
            t = t.contiguous()
            dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
            data = t.numpy().tobytes()
            header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
            blobs.append(data)
            offset += len(data)
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for b in blobs:
                f.write(b)

    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(0)
    model = timm.create_model(a.arch, pretrained=False).eval()
    example = torch.from_numpy(common.batch(a.input_size, 1))
    weights = os.path.join(a.out, f"timm-{a.arch}.safetensors")
    save_safetensors(model.state_dict(), weights)
    with torch.no_grad():
        fp32 = os.path.join(a.out, f"timm-{a.arch}-fp32.pt")
        torch.jit.trace(model, example).save(fp32)
        bf16 = os.path.join(a.out, f"timm-{a.arch}-bf16.pt")
        net = model.to(torch.bfloat16).to(memory_format=torch.channels_last)
        torch.jit.trace(Bf16(net), example).save(bf16)
    print(weights)
    print(fp32)
    print(bf16)


if __name__ == "__main__":
    main()
