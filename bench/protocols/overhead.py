#!/usr/bin/env python3
"""Side-by-side latency of the same image through POST /classify (raw body) and POST /v2/models/{m}/infer (JSON with
a base64 BYTES input, and Triton's binary tensor data), interleaved request by request so that both see the same
machine state. One request at a time (no batching between them): this measures the per-request cost of each path.

Usage: overhead.py URL MODEL IMAGE ROUNDS WARMUP
Prints one line per interface (p50/p90/mean in ms, from the client's send to the last body byte) and the p50
overhead of each v2 form against /classify. Python standard library only; bodies are built once, before timing.
"""
import base64
import http.client
import json
import statistics
import struct
import sys
import time
import urllib.parse


def main():
    url, model, image_path = sys.argv[1], sys.argv[2], sys.argv[3]
    rounds, warmup = int(sys.argv[4]), int(sys.argv[5])
    image = open(image_path, "rb").read()
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)

    infer = "/v2/models/%s/infer" % model
    v2_json = json.dumps({"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1],
                                      "data": [base64.b64encode(image).decode("ascii")]}],
                          "outputs": [{"name": "probabilities", "parameters": {"classification": 5}}]}).encode()
    raw = struct.pack("<I", len(image)) + image
    header = json.dumps({"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1],
                                     "parameters": {"binary_data_size": len(raw)}}],
                         "outputs": [{"name": "probabilities", "parameters": {"classification": 5}}]}).encode()
    variants = [
        ("classify raw", "/classify?topK=5&model=" + model, image, {"Content-Type": "image/jpeg"}),
        ("v2 json base64", infer, v2_json, {"Content-Type": "application/json"}),
        ("v2 binary", infer, header + raw, {"Content-Type": "application/octet-stream",
                                            "Inference-Header-Content-Length": str(len(header))}),
    ]
    times = {name: [] for name, _, _, _ in variants}
    for i in range(warmup + rounds):
        # Rotate the order each round so no variant always runs first after an idle gap.
        for k in range(len(variants)):
            name, path, body, headers = variants[(i + k) % len(variants)]
            t0 = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            t = (time.perf_counter() - t0) * 1000
            if r.status != 200:
                sys.exit("%s answered %d: %s" % (name, r.status, data[:200]))
            if i >= warmup:
                times[name].append(t)
    print("image %s: %d bytes; base64 JSON body %d bytes; binary body %d bytes" % (image_path, len(image),
                                                                                   len(v2_json), len(header + raw)))
    print("%-16s %6s %8s %8s %8s" % ("interface", "n", "p50 ms", "p90 ms", "mean ms"))
    p50 = {}
    for name in times:
        t = sorted(times[name])
        p50[name] = statistics.median(t)
        print("%-16s %6d %8.2f %8.2f %8.2f" % (name, len(t), p50[name], t[int(0.9 * (len(t) - 1))],
                                               statistics.fmean(t)))
    base = p50["classify raw"]
    for name in ("v2 json base64", "v2 binary"):
        print("overhead %-16s p50 %+.2f ms (%.3fx of /classify)" % (name, p50[name] - base, p50[name] / base))


if __name__ == "__main__":
    main()
