"""Shared by the Python benchmark scripts: timm from a source checkout, the engine benchmark's input, its output."""
import math
import os
import sys

import numpy as np


def import_timm(path):
    """timm from the checkout at ``path`` (never an installed copy, so the version is the one given)."""
    if not os.path.isfile(os.path.join(path, "timm", "__init__.py")):
        sys.exit(f"error: {path} is not a timm source checkout (no timm/__init__.py)")
    sys.path.insert(0, path)
    import timm  # noqa: E402
    return timm


def picture(size, variant, seed):
    """CHW float32 in [-1, 1] like EngineBenchmark's default input: smooth gradients, a checker pattern, noise."""
    rnd = np.random.default_rng(seed)
    y, x = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    noise = (rnd.random((size, size)) - 0.5) * 0.1
    r = np.sin(0.05 * x + variant) * 0.8 + noise
    g = np.sin(0.03 * y - variant) * 0.8 + noise
    b = np.where(((x // 24 + y // 24 + variant) & 1) == 0, -0.6, 0.6) + noise
    return np.stack([r, g, b]).astype(np.float32)


def batch(size, n):
    return np.stack([picture(size, i, n) for i in range(n)])


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "n/a"


def rss_mib():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    except (OSError, ValueError):
        return -1


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]
