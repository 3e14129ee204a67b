#!/usr/bin/env python3
"""Assembles the device check's results (the work folder of run.sh) into OUT/device-check.json and
OUT/device-check.md: one Markdown table, then notes. Standard library only."""
import argparse
import glob
import json
import os
import re
import shlex


def kv_line(line):
    """'NAME a=1 b="x y"' -> {'a': '1', 'b': 'x y'}."""
    out = {}
    for tok in shlex.split(line)[1:]:
        if '=' in tok:
            k, v = tok.split('=', 1)
            out[k] = v
    return out


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


def fmt(v):
    if v is None:
        return ''
    if isinstance(v, float):
        return f'{v:,.0f}' if v >= 100 else f'{v:,.1f}' if v >= 1 else f'{v:.2g}'
    return str(v)


def sci(v):
    return '' if v is None else f'{v:.1e}'


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--work', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--mode', default='device')
    a = p.parse_args()

    env = {}
    with open(os.path.join(a.work, 'env.txt')) as f:
        for line in f:
            if '=' in line:
                k, v = line.rstrip('\n').split('=', 1)
                env[k] = v
    step1 = []
    path = os.path.join(a.work, 'step1.jsonl')
    if os.path.exists(path):
        with open(path) as f:
            step1 = [json.loads(line) for line in f if line.strip()]
    step2, step2_notes = [], []
    path = os.path.join(a.work, 'step2.txt')
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.startswith('DECODE_THROUGHPUT'):
                    r = {k: num(v) for k, v in kv_line(line).items()}
                    step2.append(r)
                elif line.startswith('#'):
                    step2_notes.append(line[1:].strip())
                elif line.strip() and not step2:
                    step2_notes.append('error: ' + line.strip())
    step3 = {}
    for path in sorted(glob.glob(os.path.join(a.work, 'step3-*.txt'))):
        label = os.path.basename(path)[len('step3-'):-len('.txt')]
        d = {'probe': None, 'engine': [], 'causes': [], 'env': [], 'exit': None, 'tail': []}
        with open(path) as f:
            lines = f.read().splitlines()
        for line in lines:
            if line.startswith('DJL_PROBE'):
                d['probe'] = kv_line(line)
            elif line.startswith('DJL_ENGINE'):
                d['engine'].append({k: num(v) for k, v in kv_line(line).items()})
            elif line.startswith('DJL_EXIT'):
                d['exit'] = kv_line(line)
            elif line.startswith('# cause:'):
                d['causes'].append(line[len('# cause:'):].strip())
            elif line.startswith('# '):
                d['env'].append(line[2:])
        if d['probe'] is None:  # the JVM died before it could report: keep what it printed
            d['tail'] = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith('at ')][-12:]
        step3[label] = d

    checks = [r for r in step1 if r.get('kind') == 'check']
    thr = [r for r in step1 if r.get('kind') == 'throughput']
    skipped = [r for r in step1 if r.get('kind') == 'skipped']
    envs = [r for r in step1 if r.get('kind') == 'env']
    batches = sorted({r['batch'] for r in thr} | {int(e['batch']) for d in step3.values() for e in d['engine']
                                                  if 'batch' in e})
    archs = []
    for r in step1:
        if r.get('arch') and r['arch'] not in archs:
            archs.append(r['arch'])

    rows = []  # step, what, arch, setting, {batch: img/s}, check

    def check_text(arch, subject, precision):
        cs = [c for c in checks if c['arch'] == arch and c.get('subject', 'compiled program') == subject
              and c['precision'] == precision]
        parts = []
        for c in cs:
            mark = {True: 'pass', False: 'FAIL', None: 'n/a'}[c.get('ok')]
            if 'error' in c:
                parts.append(f"FAIL: {c['error']}")
            elif 'rel' in c:
                parts.append(f"{mark}: {sci(c['rel'])} rel. of fixture (limit 1e-3), top-5 "
                             f"{'=' if c['top5_equal_to_fixture_float32'] else '≠'} fixture")
            elif 'softmax_max_abs' in c:
                vs = c.get('versus', 'fp32')
                parts.append(f"{mark}: vs {vs}: top-1 {'equal' if c['top1_equal'] else 'DIFFERS'}, softmax "
                             f"{sci(c['softmax_max_abs'])} (limit 5e-3)")
            elif 'reason' in c:
                parts.append(f"{mark}: {c['reason']}")
        return '; '.join(parts)

    for arch in archs:
        for subject in ('compiled program', 'timm eager', 'timm torch.compile'):
            precs = []
            for r in thr + checks:
                if r['arch'] == arch and r.get('subject', 'compiled program') == subject and \
                        r['precision'] not in precs:
                    precs.append(r['precision'])
            for prec in precs:
                vals = {r['batch']: r['img_per_s'] for r in thr if r['arch'] == arch and r['subject'] == subject
                        and r['precision'] == prec}
                cl = ' channels-last' if prec != 'fp32' else ''
                extra = ''
                comp = [r for r in thr if r['arch'] == arch and r['subject'] == subject and 'compile_s' in r]
                if comp:
                    extra = '; compile ' + ', '.join(f"b{r['batch']} {r['compile_s']} s" for r in comp)
                rows.append(('1', subject, arch, prec + cl, vals, check_text(arch, subject, prec) + extra))
            for s in skipped:
                if s['arch'] == arch and s['subject'] == subject and 'batch' not in s:
                    rows.append(('1', subject, arch, s.get('precision', ''), {}, s['reason']))
            late = [s for s in skipped if s['arch'] == arch and s['subject'] == subject and 'batch' in s]
            if late:
                lp = late[0].get('precision', '')
                rows.append(('1', subject, arch, lp + (' channels-last' if lp not in ('', 'fp32') else ''), {},
                             'not measured (time budget): batch ' + ', '.join(str(s['batch']) for s in late)))
    decoders = []
    for r in step2:
        if r['decoder'] not in decoders:
            decoders.append(r['decoder'])
    for d in decoders:
        rs = [r for r in step2 if r['decoder'] == d]
        cells = ' · '.join(f"{int(r['threads'])} thr: {fmt(r['img_per_s'])}" for r in rs)
        rows.append(('2', 'decode + preprocess (image package, jlinked JRE)', 'any', f"{d} → {rs[0]['used']}",
                     {'_text': cells}, 'img/s by CPU threads'))
    if not step2:
        rows.append(('2', 'decode + preprocess', 'any', '', {}, 'no result: ' + '; '.join(step2_notes[-3:])))
    # can the CPU keep the GPU fed: the most threads' img/s against the compiled program's best img/s
    comparison = []
    feed = [r for r in step2 if r['decoder'] == (decoders[0] if decoders else None)]
    if feed:
        best_cpu = max(feed, key=lambda r: r['threads'])
        low = [r for r in thr if r['subject'] == 'compiled program' and r['precision'] != 'fp32']
        for arch in archs:
            rs = [r for r in low if r['arch'] == arch] or [r for r in thr if r['subject'] == 'compiled program'
                                                           and r['arch'] == arch]
            if not rs:
                continue
            g = max(rs, key=lambda r: r['img_per_s'])
            ratio = best_cpu['img_per_s'] / g['img_per_s']
            comparison.append({'arch': arch, 'cpu_threads': int(best_cpu['threads']), 'cpu_img_per_s':
                               best_cpu['img_per_s'], 'accelerator_precision': g['precision'], 'accelerator_batch':
                               g['batch'], 'accelerator_img_per_s': g['img_per_s'], 'cpu_over_accelerator': ratio})
            rows.append(('2 vs 1', 'CPU feed ÷ device', arch, f"{int(best_cpu['threads'])} thr vs {g['precision']} "
                         f"b{g['batch']}", {'_text': f"{fmt(best_cpu['img_per_s'])} ÷ {fmt(g['img_per_s'])}"},
                         f"{ratio:.2f}× ({'CPU keeps up' if ratio >= 1 else 'CPU-bound: decode is the bottleneck'})"))
    for label, d in step3.items():
        pr = d['probe']
        what = f"DJL 0.36 JNI ({label})"
        if pr is None:
            rc = d['exit'].get('rc') if d['exit'] else '?'
            rows.append(('3', what, '', '', {}, f"JVM ended without a report (exit {rc}): "
                         + ' | '.join(d['tail'][-3:])))
            continue
        if pr.get('status') == 'failed':
            rows.append(('3', what, '', '', {}, f"does not load: first unresolved symbol "
                         f"`{pr.get('first_unresolved_symbol')}`; {pr.get('error', '')[:300]}"))
            continue
        rows.append(('3', what, '', '', {}, f"loads: {pr.get('engine')} {pr.get('version')}, {pr.get('gpus')} GPU(s)"))
        precs = []
        for e in d['engine']:
            if e.get('precision') and e['precision'] not in precs:
                precs.append(e['precision'])
        for prec in precs:
            es = [e for e in d['engine'] if e.get('precision') == prec]
            vals = {int(e['batch']): e['img_per_s'] for e in es if e.get('status') == 'measured'}
            err = [e.get('error') for e in es if e.get('status') == 'failed']
            rows.append(('3', f'engine benchmark through DJL ({label})', es[0].get('arch', ''),
                         f"{prec} on {es[0].get('device', '')}", vals, ('FAIL: ' + err[0]) if err else
                         'Predictor.batchPredict, host arrays in and out'))
        for e in d['engine']:
            if e.get('status') == 'skipped':
                rows.append(('3', 'engine benchmark through DJL', '', '', {}, e.get('reason', '')))

    result = {'mode': a.mode, 'env': env, 'python_env': envs[0] if envs else None, 'step1': step1,
              'step2': {'rows': step2, 'notes': step2_notes}, 'step3': step3, 'cpu_feed_vs_device': comparison}
    with open(os.path.join(a.out, 'device-check.json'), 'w') as f:
        json.dump(result, f, indent=1)
        f.write('\n')

    accel = env.get('gpu') or f"CPU: {env.get('cpu', '?')}, {env.get('cores', '?')} cores"
    md = [f"# Device check ({a.mode}), {env.get('date', '')}", '',
          f"Machine: {accel}; {env.get('cores', '?')} cores, {env.get('memory_gib', '?')} GiB; "
          f"{env.get('python', '')}; torch {envs[0]['torch'] if envs else '?'}; timm "
          f"{envs[0].get('timm') if envs else '?'}; {env.get('java', '')} (jlinked); bundle "
          f"{int(env.get('bundle_bytes', 0)) / 2**20:.1f} MiB, of which runtime "
          f"{int(env.get('jre_bytes', 0)) / 2**20:.1f} MiB.", '',
          '| step | what | arch | setting | ' + ' | '.join(f'batch {b} img/s' for b in batches) + ' | check / notes |',
          '| --- | --- | --- | --- | ' + ' | '.join('---:' for _ in batches) + ' | --- |']
    for step, what, arch, setting, vals, note in rows:
        if '_text' in vals:
            cells = [vals['_text']] + [''] * (len(batches) - 1) if batches else []
            if not batches:
                note = vals['_text'] + '; ' + note
        else:
            cells = [fmt(vals.get(b)) for b in batches]
        md.append(f"| {step} | {what} | {arch} | {setting} | " + ' | '.join(cells) + f" | {note} |")
    md += ['', '## How to read it', '',
           '- Step 1 rows: img/s of one process feeding batches already on the device, timed with CUDA events '
           '(perf_counter on a CPU) after warm-up; fp32 with TF32 off, cuDNN benchmark on. `compiled program` is the '
           'TorchScript program the service generates, with the public fixture\'s weights built on the device and '
           'BatchNorm folded as the service folds it; `timm eager` is timm\'s own network with the same weights.',
           '- The fp32 check compares both fixture images\' outputs with the fixture\'s float64 values (largest '
           'difference over the largest |logit|); the low-precision check compares with fp32 (top-1 and softmax).',
           '- Step 2: decode + preprocess (the `image` package, as a request does it) of the load generator\'s '
           'JPEG mix on N threads. The cell under the first batch column lists img/s per thread count. '
           '`2 vs 1` divides the most threads\' img/s by the best compiled-program img/s: below 1, the CPU cannot '
           'feed the device.',
           '- Step 3: whether DJL 0.36\'s JNI (built for libtorch 2.7.1) loads the machine\'s libtorch, and if so '
           'the service\'s compiled program through DJL\'s Predictor (inputs copied from Java arrays, logits '
           'copied back).']
    notes = []
    for label, d in step3.items():
        if d['causes']:
            notes.append(f"- DJL ({label}) exception chain: " + ' ← '.join(f'`{c[:400]}`' for c in d['causes']))
        if d['env']:
            notes.append(f"- DJL ({label}) environment: " + ', '.join(f'`{e}`' for e in d['env']))
    if step2_notes:
        notes.append('- Decode: ' + '; '.join(step2_notes))
    for k in ('step1_rc', 'step2_rc', 'step1b_rc'):
        if env.get(k) not in (None, '0'):
            notes.append(f"- {k} = {env.get(k)} (124 = stopped by its time limit)")
    if notes:
        md += ['', '## Notes', ''] + notes
    with open(os.path.join(a.out, 'device-check.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')
    print('\n'.join(md))


if __name__ == '__main__':
    main()
