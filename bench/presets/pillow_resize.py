"""The Pillow side of bench/run-presets-resize.sh, and the image it times.

  pillow_resize.py generate OUT.rgb W H      writes the synthetic pattern of shared/reference (raw RGB)
  pillow_resize.py time IN.rgb W H N WARMUP  times Image.resize (+ crop) for each case, one RESULT line each

The cases are the resizes the presets perform on a 4000x3000 photo, as torchvision/timm/facenet run them on a PIL
image: resize to the full size with the filter, then crop (a crop is a view until tobytes, which is timed too).
"""
import hashlib
import sys
import time

import numpy as np
from PIL import Image

# name, filter, out width, out height, center crop (0 = none); same list as ResizeBenchmark.BenchCases
CASES = [
    ("tv256_full", "bilinear", 341, 256, 0),
    ("tv256_crop224", "bilinear", 341, 256, 224),
    ("tv342_crop299", "bilinear", 456, 342, 299),
    ("facenet160", "bilinear", 160, 160, 0),
    ("timm341_crop299", "bicubic", 454, 341, 299),
]
FILTERS = {"bilinear": Image.Resampling.BILINEAR, "bicubic": Image.Resampling.BICUBIC}


def generate(path, w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = np.floor(127.5 + 127.5 * np.sin(0.05 * x + 0.02 * y))
    g = np.floor(127.5 + 127.5 * np.sin(0.031 * x - 0.047 * y + 1))
    b = np.mod(7 * x + 3 * y, 256)
    with open(path, "wb") as fh:
        fh.write(np.clip(np.stack([r, g, b], -1), 0, 255).astype(np.uint8).tobytes())


def run_case(img, f, ow, oh, crop):
    out = img.resize((ow, oh), FILTERS[f])
    if crop:
        left = int(round((ow - crop) / 2.0))
        top = int(round((oh - crop) / 2.0))
        out = out.crop((left, top, left + crop, top + crop))
    return out.tobytes()


def time_cases(path, w, h, n, warmup):
    with open(path, "rb") as fh:
        img = Image.frombytes("RGB", (w, h), fh.read())
    for name, f, ow, oh, crop in CASES:
        out = None
        for _ in range(warmup):
            out = run_case(img, f, ow, oh, crop)
        times = []
        for _ in range(n):
            t0 = time.perf_counter_ns()
            out = run_case(img, f, ow, oh, crop)
            times.append(time.perf_counter_ns() - t0)
        times.sort()
        print(f"RESULT impl=pillow case={name} best_ms={times[0] / 1e6:.2f} median_ms={times[n // 2] / 1e6:.2f}"
              f" n={n} md5={hashlib.md5(out).hexdigest()}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        time_cases(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
