#!/usr/bin/env python3
"""Puts the ENGINE summary lines of a comparison run side by side: one table per architecture, img/s per batch size,
and the ratios the compiled-inference targets are stated in. A row measured in several rounds shows its best round
(and how many rounds there were).

    /usr/bin/python3 bench/python/engine_table.py bench/results/compiled/<run>/engine-lines.txt
"""
import collections
import sys

ROWS = [
    ("eager", "fp32", "today's engine: DJL blocks op by op, fp32, BN folded"),
    ("compiled", "fp32", "compiled program (this project's TorchScript), fp32"),
    ("timm-torchscript", "fp32", "timm's network traced to TorchScript, run by DJL, fp32"),
    ("python-eager", "fp32", "Python eager, timm, Debian torch, fp32"),
    ("compiled", "bf16", "compiled program, bf16 channels-last"),
    ("timm-torchscript", "bf16", "timm traced to TorchScript, bf16 channels-last, run by DJL"),
]


def versus(path):
    """VERSUS lines: (arch, precision, batch) -> (ours p50 ms, theirs p50 ms, ratio)."""
    out = {}
    for line in open(path):
        if line.startswith("VERSUS "):
            f = dict(kv.split("=", 1) for kv in line.split()[1:])
            out[(f["arch"], f["precision"], int(f["batch"]))] = (float(f["p50_ms"]), float(f["versus_p50_ms"]),
                                                                  float(f["speed_ratio"]))
    return out


def parse(path):
    runs = collections.defaultdict(dict)
    median = collections.defaultdict(dict)
    rounds = collections.Counter()
    memory = {}
    for line in open(path):
        if not line.startswith("ENGINE "):
            continue
        f = dict(kv.split("=", 1) for kv in line.split()[1:])
        key = (f["arch"], f["execution"], f["precision"])
        b = int(f["batch"])
        rounds[key + (b,)] += 1
        runs[key][b] = max(runs[key].get(b, 0.0), float(f["img_per_s"]))
        median[key][b] = max(median[key].get(b, 0.0), 1000.0 * b / float(f["ms_per_batch_p50"]))
        memory[key] = f"{f.get('rss_mib', '?')} / {f.get('load_rss_mib', '-')} / {f.get('weights_mib', '-')}"
    return runs, median, memory, max(rounds.values(), default=0)


def main():
    runs, median, memory, rounds = parse(sys.argv[1])
    for arch in sorted({k[0] for k in runs}):
        batches = sorted({b for k, v in runs.items() if k[0] == arch for b in v})
        best = f", best of {rounds} rounds" if rounds > 1 else ""
        print(f"\n### {arch}: img/s (in brackets: from the median batch time){best}\n")
        print("| row | " + " | ".join(f"batch {b}" for b in batches) + " | RSS / added by the load / weights held, MiB |")
        print("| --- | " + " | ".join("---" for _ in batches) + " | --- |")
        for execution, precision, label in ROWS:
            key = (arch, execution, precision)
            v = runs.get(key)
            if v:
                print(f"| {label} | " + " | ".join(f"{v[b]:.2f} ({median[key][b]:.2f})" if b in v else ""
                                                   for b in batches) + f" | {memory[key]} |")

        def ratio(num, den, b):
            n = runs.get((arch,) + num, {}).get(b)
            d = runs.get((arch,) + den, {}).get(b)
            return f"{n / d:.2f}x" if n and d else "n/a"

        print()
        for b in batches:
            print(f"- batch {b}: compiled fp32 / timm TorchScript fp32 = "
                  f"{ratio(('compiled', 'fp32'), ('timm-torchscript', 'fp32'), b)} (target >= 1.0x); "
                  f"compiled bf16 / today's engine fp32 = {ratio(('compiled', 'bf16'), ('eager', 'fp32'), b)} "
                  f"(target >= {'2.2' if b == 1 else '2.4'}x); compiled bf16 / timm TorchScript bf16 = "
                  f"{ratio(('compiled', 'bf16'), ('timm-torchscript', 'bf16'), b)}")


def print_versus(path):
    v = versus(path)
    if not v:
        return
    print("\n### Interleaved in one process: compiled program vs timm's TorchScript (median ms per batch)\n")
    print("| arch | precision | batch | compiled | timm TorchScript | speed ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for (arch, precision, batch), (ours, theirs, ratio) in sorted(v.items()):
        print(f"| {arch} | {precision} | {batch} | {ours:.1f} | {theirs:.1f} | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
    print_versus(sys.argv[1])
