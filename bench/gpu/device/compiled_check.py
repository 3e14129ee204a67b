#!/usr/bin/env python3
"""Step 1 of the GPU device check: the service's compiled program on the device, against the public fixture.

For every architecture in manifest.json (written by BundleWriter): build the fixture's deterministic weights from
its formula (never carried), fold every BatchNorm as BatchNormFolding does (float32 checkpoint values widened to
double, folded in double, rounded once), load the weightless TorchScript program with torch.jit and hand it the
weights through its own `load` method, then
  - fp32: compare with the fixture's float64 outputs (limit: 1e-3 relative to the largest |logit|),
  - low precision (fp16 channels-last on CUDA; bf16 on a CPU dry run): same top-1 as fp32, softmax within 5e-3,
  - img/s per batch size after warm-up (CUDA events on a GPU, perf_counter on a CPU), inputs already on the device,
  - the anchor: timm's own network with the same weights, eager, low precision, channels-last.
`--compile-anchor NAME` instead times torch.compile of timm's network (run in its own process, under a timeout).
Writes one JSON object per line to --out. Needs torch and numpy; timm only for the anchor.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

DTYPE_CODE = {'fp32': 6, 'fp16': 5, 'bf16': 15}
TORCH_DTYPE = {'fp32': torch.float32, 'fp16': torch.float16, 'bf16': torch.bfloat16}


def emit(out, **record):
    out.write(json.dumps(record) + '\n')
    out.flush()
    print('STEP1 ' + json.dumps(record), flush=True)


def base(k, n, device):
    """sin(((0.7*i + 1.3*k) + 0.1) + 0.001*m), m = (i*7919) mod 10007, in float64, left to right."""
    i = torch.arange(n, dtype=torch.int64, device=device)
    m = (i * 7919) % 10007
    arg = ((0.7 * i.double() + 1.3 * k) + 0.1) + 0.001 * m.double()
    return torch.sin(arg)


def fixture_value(entry, gain, device):
    shape = entry['shape']
    n = math.prod(shape)
    b = base(entry['k'], n, device)
    rule = entry['rule']
    if rule == 'weight':
        v = (b * math.sqrt(6.0 / (n // shape[0]))) * gain
    elif rule == 'bn_weight':
        v = 1.0 + 0.1 * b
    elif rule in ('bn_bias', 'bn_running_mean'):
        v = 0.1 * b
    elif rule == 'bn_running_var':
        v = 1.0 + 0.5 * b.abs()
    elif rule == 'bias':
        v = 0.01 * b
    else:
        raise ValueError('no rule ' + rule)
    return v.reshape(shape)


def state_dict(arch, device):
    """The checkpoint as float32 tensors (what a timm-layout safetensors file would hold)."""
    gain = arch['fixture']['gain']
    return {e['name']: fixture_value(e, gain, device).float() for e in arch['state_dict']}


def fold(arch, sd):
    """BatchNormFolding.forEachFolded: float32 values widened to double, folded in double, rounded once."""
    body, head = {}, {}
    for f in arch['folded']:
        w = sd[f['weight']].double()
        b = sd[f['bias']].double() if f['has_bias'] else None
        bn = f.get('bn')
        if bn is not None:
            p = bn['prefix']
            gamma, beta = sd[p + '.weight'].double(), sd[p + '.bias'].double()
            mean, var = sd[p + '.running_mean'].double(), sd[p + '.running_var'].double()
            s = gamma / torch.sqrt(var + bn['eps'])
            w = (w.reshape(w.shape[0], -1) * s[:, None]).reshape(w.shape)
            b = beta - (mean if b is None else mean - b) * s
        target = head if f['part'] == 'head' else body
        target[f['weight']] = w.float()
        if b is not None:
            target[f['bias']] = b.float()
    return body, head


def fixture_input(size, device):
    """The fixture's two images, NCHW float32 (formula in the reference README)."""
    c = torch.arange(3, dtype=torch.int64, device=device).view(3, 1, 1)
    h = torch.arange(size, dtype=torch.int64, device=device).view(1, size, 1)
    w = torch.arange(size, dtype=torch.int64, device=device).view(1, 1, size)
    f = (c * size + h) * size + w
    x0 = torch.sin(0.01 * f.double())
    q = (h * h + 2 * w * w).double()
    x1 = torch.sin(0.0005 * q + 1.9 * c.double())
    return torch.stack([x0, x1]).float()


def load_program(bundle, arch, body, head, precision, device):
    program = torch.jit.load(os.path.join(bundle, arch['program']), map_location=device)
    program.eval()
    held = program.load(body, head, DTYPE_CODE[precision], DTYPE_CODE['fp32'], precision != 'fp32')
    expected = len(body) + len(head)
    if held != expected:
        raise RuntimeError(f'program holds {held} weights, expected {expected}')
    return program


class Timer:
    def __init__(self, device):
        self.cuda = device.type == 'cuda'

    def time(self, fn, iters):
        if self.cuda:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(iters):
                fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end) / 1000.0
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        return time.perf_counter() - t0


def throughput(fn, batch, timer, seconds, warmup, min_iters=3):
    for _ in range(warmup):
        fn()
    one = timer.time(fn, 1)
    iters = max(min_iters, min(500, int(seconds / max(one, 1e-6))))
    elapsed = timer.time(fn, iters)
    return {'batch': batch, 'img_per_s': round(batch * iters / elapsed, 1),
            'ms_per_batch': round(1000 * elapsed / iters, 3), 'iters': iters}


def batch_input(x2, batch, dtype, channels_last):
    x = x2.repeat((batch + 1) // 2, 1, 1, 1)[:batch].to(dtype)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x.contiguous()


def compare_fp32(arch, y):
    """Largest |y - fixture| over both images, relative to the largest |fixture|."""
    fx = arch['fixture']
    ref = torch.tensor([fx['image0']['float64'], fx['image1']['float64']], dtype=torch.float64)
    y = y.double().cpu()
    diff = (y - ref).abs().max().item()
    rel = diff / ref.abs().max().item()
    top5 = [torch.topk(y[i], 5).indices.tolist() for i in range(2)]
    top5_ok = all(top5[i] == fx[f'image{i}']['float32_top5_indices'] for i in range(2))
    return {'max_abs': diff, 'rel': rel, 'top5_equal_to_fixture_float32': top5_ok}


def compare_low(y32, ylow):
    y32, ylow = y32.double().cpu(), ylow.double().cpu()
    top1 = bool((y32.argmax(1) == ylow.argmax(1)).all())
    sm = (torch.softmax(y32, 1) - torch.softmax(ylow, 1)).abs().max().item()
    return {'top1_equal': top1, 'softmax_max_abs': sm, 'logit_max_abs': (y32 - ylow).abs().max().item()}


def timm_model(name, num_classes, sd, device):
    import timm  # noqa: the anchor only
    if name not in timm.list_models(name):
        return None, f'skipped: timm {timm.__version__} has no {name}'
    model = timm.create_model(name, pretrained=False, num_classes=num_classes)
    missing, unexpected = model.load_state_dict({k: v.cpu() for k, v in sd.items()}, strict=False)
    missing = [k for k in missing if not k.endswith('num_batches_tracked')]
    if missing or unexpected:
        return None, f'skipped: timm {name} keys differ (missing {missing[:3]}, unexpected {unexpected[:3]})'
    return model.eval().to(device), None


def main_check(args, manifest, out, device):
    timer = Timer(device)
    batches = [int(b) for b in args.batches.split(',')]
    low = args.low
    for arch in manifest['architectures']:
        name = arch['name']
        if time.time() > args.deadline:
            emit(out, kind='skipped', arch=name, subject='compiled program', reason='time budget spent')
            continue
        t0 = time.time()
        usable = arch['fixture']['usable']
        with torch.inference_mode():
            sd = state_dict(arch, device)
            body, head = fold(arch, sd)
            x2 = fixture_input(arch['input_size'], device)
            emit(out, kind='weights', arch=name, entries=len(sd), folded=len(body) + len(head),
                 fixture=usable, fixture_reason=arch['fixture'].get('reason'), seconds=round(time.time() - t0, 2))
            results = {}
            for precision in ['fp32'] + ([low] if low != 'none' else []):
                try:
                    t1 = time.time()
                    prog = load_program(args.bundle, arch, body, head, precision, device)
                    y = prog(x2).float()
                    load_s = round(time.time() - t1, 2)
                except Exception as e:  # an op missing in this torch is a finding, not a crash
                    emit(out, kind='check', arch=name, precision=precision, ok=False,
                         error=f'{type(e).__name__}: {str(e).strip().splitlines()[0][:300]}')
                    continue
                results[precision] = y
                if precision == 'fp32':
                    if usable:
                        c = compare_fp32(arch, y)
                        emit(out, kind='check', arch=name, precision=precision, ok=c['rel'] <= 1e-3, limit=1e-3,
                             load_and_first_run_s=load_s, **c)
                    else:
                        emit(out, kind='check', arch=name, precision=precision, ok=None, load_and_first_run_s=load_s,
                             reason='no usable fixture: ' + arch['fixture']['reason'])
                elif 'fp32' in results:
                    c = compare_low(results['fp32'], y)
                    emit(out, kind='check', arch=name, precision=precision, ok=c['top1_equal']
                         and c['softmax_max_abs'] <= 5e-3, limit=5e-3, load_and_first_run_s=load_s, **c)
                cl = precision != 'fp32'
                for b in batches:
                    if time.time() > args.deadline:
                        emit(out, kind='skipped', arch=name, subject='compiled program', precision=precision, batch=b,
                             reason='time budget spent')
                        continue
                    xb = batch_input(x2, b, torch.float32, False)  # the program casts: float32 NCHW in, as served
                    r = throughput(lambda: prog(xb), b, timer, args.seconds, args.warmup, args.min_iters)
                    emit(out, kind='throughput', subject='compiled program', arch=name, precision=precision,
                         channels_last=cl, **r)
                del prog
            # the anchor: timm's own network, same weights, eager, low precision, channels-last
            anchor(args, arch, sd, x2, results, batches, timer, out, device)
            del sd, body, head
        if device.type == 'cuda':
            torch.cuda.empty_cache()


def anchor(args, arch, sd, x2, results, batches, timer, out, device):
    name = arch['name']
    low = args.low if args.low != 'none' else 'fp32'
    try:
        import timm
    except Exception as e:
        emit(out, kind='skipped', arch=name, subject='timm eager', reason=f'skipped: timm not importable ({e})')
        return
    try:
        model, why = timm_model(name, arch['num_classes'], sd, device)
    except Exception as e:
        model, why = None, f'skipped: timm model failed: {type(e).__name__}: {e}'
    if model is None:
        emit(out, kind='skipped', arch=name, subject='timm eager', reason=why)
        return
    y32 = model(x2).float()
    if arch['fixture']['usable']:
        c = compare_fp32(arch, y32)
        emit(out, kind='check', arch=name, subject='timm eager', precision='fp32', ok=c['rel'] <= 1e-3, limit=1e-3,
             **c)
    model = model.to(TORCH_DTYPE[low]).to(memory_format=torch.channels_last)
    ylow = model(x2.to(TORCH_DTYPE[low]).contiguous(memory_format=torch.channels_last)).float()
    if 'fp32' in results:
        c = compare_low(results['fp32'], ylow)
        emit(out, kind='check', arch=name, subject='timm eager', precision=low, versus='compiled program fp32',
             ok=c['top1_equal'] and c['softmax_max_abs'] <= 5e-3, limit=5e-3, **c)
    for b in batches:
        if time.time() > args.deadline:
            emit(out, kind='skipped', arch=name, subject='timm eager', precision=low, batch=b,
                 reason='time budget spent')
            continue
        xb = batch_input(x2, b, TORCH_DTYPE[low], True)
        r = throughput(lambda: model(xb), b, timer, args.seconds, args.warmup, args.min_iters)
        emit(out, kind='throughput', subject='timm eager', arch=name, precision=low, channels_last=True, **r)
    del model


def main_compile(args, manifest, out, device):
    """torch.compile of timm's network in fp16 channels-last, one batch size after another until the budget ends."""
    arch = next(a for a in manifest['architectures'] if a['name'] == args.compile_anchor)
    name = arch['name']
    if not hasattr(torch, 'compile'):
        emit(out, kind='skipped', arch=name, subject='timm torch.compile',
             reason=f'skipped: torch {torch.__version__} has no torch.compile')
        return
    low = args.low if args.low != 'none' else 'fp32'
    timer = Timer(device)
    with torch.inference_mode():
        sd = state_dict(arch, device)
        try:
            import timm  # noqa
            model, why = timm_model(name, arch['num_classes'], sd, device)
        except Exception as e:
            model, why = None, f'skipped: timm not importable ({e})'
        if model is None:
            emit(out, kind='skipped', arch=name, subject='timm torch.compile', reason=why)
            return
        model = model.to(TORCH_DTYPE[low]).to(memory_format=torch.channels_last)
        compiled = torch.compile(model)
        x2 = fixture_input(arch['input_size'], device)
        for b in [int(b) for b in args.batches.split(',')]:
            if time.time() > args.deadline:
                emit(out, kind='skipped', arch=name, subject='timm torch.compile', precision=low, batch=b,
                     reason='time budget spent')
                continue
            xb = batch_input(x2, b, TORCH_DTYPE[low], True)
            t0 = time.time()
            compiled(xb)  # compiles for this shape
            compile_s = round(time.time() - t0, 1)
            r = throughput(lambda: compiled(xb), b, timer, args.seconds, args.warmup, args.min_iters)
            emit(out, kind='throughput', subject='timm torch.compile', arch=name, precision=low, channels_last=True,
                 compile_s=compile_s, **r)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--bundle', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--device', default='cuda')
    p.add_argument('--low', default='fp16', choices=['fp16', 'bf16', 'none'])
    p.add_argument('--batches', default='1,8,32,128,256')
    p.add_argument('--seconds', type=float, default=0.5)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--min-iters', type=int, default=3)
    p.add_argument('--deadline', type=float, default=time.time() + 3600)
    p.add_argument('--threads', type=int, default=0)
    p.add_argument('--compile-anchor', default=None)
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    with open(os.path.join(args.bundle, 'manifest.json')) as f:
        manifest = json.load(f)
    with open(args.out, 'a') as out:
        if device.type == 'cuda':
            # fp32 means fp32: TF32 convolutions would miss the 1e-3 check on a chaotic network
            torch.backends.cudnn.allow_tf32 = False
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.benchmark = True
        if args.compile_anchor:
            main_compile(args, manifest, out, device)
            return
        env = {'torch': torch.__version__, 'python': sys.version.split()[0], 'device': str(device),
               'threads': torch.get_num_threads()}
        if device.type == 'cuda':
            env.update(gpu=torch.cuda.get_device_name(0), cuda=torch.version.cuda,
                       cudnn=torch.backends.cudnn.version(), tf32=False, cudnn_benchmark=True)
        try:
            import timm
            env['timm'] = timm.__version__
        except Exception as e:
            env['timm'] = f'not importable: {e}'
        emit(out, kind='env', **env)
        main_check(args, manifest, out, device)


if __name__ == '__main__':
    main()
