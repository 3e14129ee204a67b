#!/usr/bin/env python3
"""timm's network in Python eager mode (Debian python3-torch), timed like bench/run-engine.sh: the same input, batch
sizes and summary lines (ENGINE ... img_per_s=...), so that a run can put it next to the Java engine's rows.

    /usr/bin/python3 bench/python/timm_eager.py --timm /path/to/pytorch-image-models --arch inception_v4 \\
        --batches 1,8 --seconds 20 --threads 2
"""
import argparse
import time

import common


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timm", required=True, help="timm source checkout (tested: v0.9.16)")
    ap.add_argument("--arch", default="inception_v4")
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--input-size", type=int, default=299)
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: weights and activations bfloat16, channels-last")
    a = ap.parse_args()

    timm = common.import_timm(a.timm)
    import torch
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    model = timm.create_model(a.arch, pretrained=False).eval()
    if a.precision == "bf16":
        model = model.to(torch.bfloat16).to(memory_format=torch.channels_last)
    print(f"python eager: torch {torch.__version__}, timm {timm.__version__} ({a.timm}); {a.arch}, {a.precision}, "
          f"random init; torch threads {a.threads}; load average {common.load_average()}; "
          f"RSS with the model {common.rss_mib()} MiB")
    summary = []
    print(f"{'batch':<6} {'batches':>8} {'img/s':>10} {'ms/batch p50':>12} {'ms/batch p99':>12}")
    with torch.inference_mode():
        for b in [int(s) for s in a.batches.split(",")]:
            x = torch.from_numpy(common.batch(a.input_size, b))
            if a.precision == "bf16":
                x = x.to(torch.bfloat16).contiguous(memory_format=torch.channels_last)
            for _ in range(a.warmup):
                model(x)
            times = []
            start = time.perf_counter()
            while True:
                t0 = time.perf_counter()
                out = model(x)
                now = time.perf_counter()
                times.append(now - t0)
                if now - start >= a.seconds and len(times) >= 3:
                    break
            assert out.shape == (b, model.num_classes)
            ips = len(times) * b / (now - start)
            p50 = common.percentile(times, 50) * 1000
            p99 = common.percentile(times, 99) * 1000
            print(f"{b:<6} {len(times):>8} {ips:>10.2f} {p50:>12.1f} {p99:>12.1f}")
            summary.append(f"ENGINE arch={a.arch} execution=python-eager precision={a.precision} bn=unfolded "
                           f"input={a.input_size} batch={b} img_per_s={ips:.3f} ms_per_batch_p50={p50:.1f} "
                           f"threads={a.threads} rss_mib={common.rss_mib()}")
    print()
    print("\n".join(summary))
    print(f"load average after: {common.load_average()}")


if __name__ == "__main__":
    main()
