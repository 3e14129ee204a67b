#!/usr/bin/python3
"""Decode + preprocess of one JPEG the way timm's eval transform does it, for bench/run-decode.sh.

Pillow (Debian's python3-pil, libjpeg-turbo inside): Image.open + load (decode), convert('RGB'), then torchvision's
Resize(scale_size, BICUBIC) + CenterCrop(299) + ToTensor + Normalize(0.5, 0.5) when python3-torchvision is
installed (else the same steps with Pillow + numpy). Prints a DECODE line like DecodeBenchmark's.

  /usr/bin/python3 bench/decode/pillow_decode.py --image photo.jpg [--iterations 15] [--warmup 3]
  /usr/bin/python3 bench/decode/pillow_decode.py --generate 4000x3000 --out photo.jpg   (a photo-like test JPEG)
"""
import argparse
import io
import math
import os
import statistics
import sys
import time

import numpy as np
import PIL
from PIL import Image, features

SIZE = 299


def generate(size, out):
    """Gradients, shapes and sensor-like noise at quality 90, 4:2:0: a JPEG that decodes like a camera photo."""
    w, h = (int(v) for v in size.split("x"))
    rng = np.random.default_rng(20240601)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r = 128 + 100 * np.sin(x / (w / 5.3) + y / (h / 2.1))
    g = 128 + 90 * np.cos(x / (w / 3.7) - y / (h / 4.9))
    b = 60 + 150 * ((x / w) * (y / h))
    img = np.stack([r, g, b], -1)
    for _ in range(60):  # shapes with hard edges
        cx, cy, rad = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(w / 60, w / 8)
        mask = (x - cx) ** 2 + (y - cy) ** 2 < rad ** 2
        img[mask] = rng.uniform(0, 255, 3)
    img += rng.normal(0, 6, img.shape)
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(out, quality=90)
    print("wrote %s (%dx%d, %d bytes)" % (out, w, h, os.path.getsize(out)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image")
    ap.add_argument("--iterations", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--crop-pct", type=float, default=0.875)
    ap.add_argument("--generate")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.generate:
        generate(a.generate, a.out)
        return
    data = open(a.image, "rb").read()
    scale = math.floor(SIZE / a.crop_pct)
    try:
        import torch
        from torchvision import transforms
        torch.set_num_threads(1)
        tf = transforms.Compose([transforms.Resize(scale, interpolation=transforms.InterpolationMode.BICUBIC),
                                 transforms.CenterCrop(SIZE), transforms.ToTensor(),
                                 transforms.Normalize([0.5] * 3, [0.5] * 3)])
        how = "torchvision %s Resize(%d, BICUBIC) + CenterCrop(%d) + ToTensor + Normalize" % (
            __import__("torchvision").__version__, scale, SIZE)
    except ImportError:
        def tf(im):
            w, h = im.size
            nw, nh = (scale, int(scale * h / w)) if w <= h else (int(scale * w / h), scale)
            im = im.resize((nw, nh), Image.BICUBIC)
            left, top = int(round((nw - SIZE) / 2.0)), int(round((nh - SIZE) / 2.0))
            im = im.crop((left, top, left + SIZE, top + SIZE))
            arr = np.asarray(im, dtype=np.float32) / 255.0
            return ((arr - 0.5) / 0.5).transpose(2, 0, 1).copy()
        how = "Pillow resize(BICUBIC) + crop + numpy normalise (no torchvision)"

    def once():
        t0 = time.perf_counter()
        im = Image.open(io.BytesIO(data))
        im.load()
        im = im.convert("RGB")
        t1 = time.perf_counter()
        out = tf(im)
        t2 = time.perf_counter()
        assert tuple(out.shape) == (3, SIZE, SIZE)
        return (t1 - t0) * 1e3, (t2 - t1) * 1e3, im.size

    for _ in range(a.warmup):
        once()
    runs = [once() for _ in range(a.iterations)]
    decode = sorted(r[0] for r in runs)
    pre = sorted(r[1] for r in runs)
    total = sorted(r[0] + r[1] for r in runs)
    w, h = runs[0][2]
    print("# pillow %s (libjpeg-turbo %s), python %s; %s; image %s, %d bytes, %dx%d; %d iterations after %d warm-up"
          % (PIL.__version__, features.version("libjpeg_turbo"), sys.version.split()[0], how,
             os.path.basename(a.image), len(data), w, h, a.iterations, a.warmup))
    print("DECODE decoder=pillow image=%s decode_ms_median=%.1f decode_ms_min=%.1f preprocess_ms_median=%.1f "
          "preprocess_ms_min=%.1f total_ms_median=%.1f total_ms_min=%.1f n=%d"
          % (os.path.basename(a.image), statistics.median(decode), decode[0], statistics.median(pre), pre[0],
             statistics.median(total), total[0], len(total)))


if __name__ == "__main__":
    main()
