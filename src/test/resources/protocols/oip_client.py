#!/usr/bin/env python3
"""A minimal Open Inference Protocol v2 (KServe v2) HTTP/REST client, written from the published specification
only (KServe docs/predict-api/v2/required_api.md; Triton docs/protocol/extension_binary_data.md and
extension_classification.md), with nothing from the server's code. Python standard library only.

Usage: oip_client.py BASE_URL MODEL IMAGE [IMAGE...]
Runs the calls a generic v2 client makes and prints one JSON object with what came back, for the test to check.
"""
import base64
import json
import struct
import sys
import urllib.error
import urllib.request


def call(method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def header(headers, name):
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


def split_binary(headers, body):
    """Splits a response body per the binary tensor data extension: JSON, then the binary outputs in order."""
    length = header(headers, "Inference-Header-Content-Length")
    if length is None:
        return json.loads(body), {}
    n = int(length)
    response = json.loads(body[:n])
    tensors, offset = {}, n
    for out in response["outputs"]:
        size = out.get("parameters", {}).get("binary_data_size")
        if size is None:
            continue
        tensors[out["name"]] = body[offset:offset + size]
        offset += size
    assert offset == len(body), "binary data sizes do not add up to the body"
    return response, tensors


def decode_fp32(raw):
    return list(struct.unpack("<%df" % (len(raw) // 4), raw))


def decode_bytes(raw):
    """BYTES elements: a 4-byte little-endian length, then the bytes."""
    out, i = [], 0
    while i < len(raw):
        (n,) = struct.unpack_from("<I", raw, i)
        out.append(raw[i + 4:i + 4 + n].decode("utf-8"))
        i += 4 + n
    return out


def main():
    base, model, paths = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3:]
    images = [open(p, "rb").read() for p in paths]
    result = {}

    status, _, body = call("GET", base + "/v2")
    result["server"] = {"status": status, "body": json.loads(body)}
    result["live"] = call("GET", base + "/v2/health/live")[0]
    result["ready"] = call("GET", base + "/v2/health/ready")[0]
    result["model_ready"] = call("GET", base + "/v2/models/%s/ready" % model)[0]
    status, _, body = call("GET", base + "/v2/models/%s" % model)
    metadata = json.loads(body)
    result["metadata"] = {"status": status, "body": metadata}
    image_input = next(t["name"] for t in metadata["inputs"] if t["datatype"] == "BYTES")
    output = metadata["outputs"][0]["name"]
    infer_url = base + "/v2/models/%s/infer" % model

    # JSON: BYTES as base64 strings, FP32 output as JSON data, plus a classification output of 3 classes.
    request = {
        "id": "client-json-1",
        "inputs": [{"name": image_input, "shape": [len(images)], "datatype": "BYTES",
                    "data": [base64.b64encode(i).decode("ascii") for i in images]}],
        "outputs": [{"name": output}],
    }
    status, headers, body = call("POST", infer_url, json.dumps(request).encode(),
                                 {"Content-Type": "application/json"})
    result["json"] = {"status": status, "content_type": header(headers, "Content-Type"),
                      "body": json.loads(body)}
    request["outputs"] = [{"name": output, "parameters": {"classification": 3}}]
    status, _, body = call("POST", infer_url, json.dumps(request).encode(), {"Content-Type": "application/json"})
    result["classification"] = {"status": status, "body": json.loads(body)}

    # Binary tensor data: the raw images after the JSON header, binary outputs back.
    raw = b"".join(struct.pack("<I", len(i)) + i for i in images)
    header_json = json.dumps({
        "id": "client-binary-1",
        "inputs": [{"name": image_input, "shape": [len(images)], "datatype": "BYTES",
                    "parameters": {"binary_data_size": len(raw)}}],
        "outputs": [{"name": output, "parameters": {"binary_data": True}}],
    }).encode()
    status, headers, body = call("POST", infer_url, header_json + raw, {
        "Content-Type": "application/octet-stream",
        "Inference-Header-Content-Length": str(len(header_json))})
    response, tensors = split_binary(headers, body)
    result["binary"] = {"status": status, "content_type": header(headers, "Content-Type"), "body": response,
                        "data": decode_fp32(tensors[output])}
    header_json = json.dumps({
        "inputs": [{"name": image_input, "shape": [len(images)], "datatype": "BYTES",
                    "parameters": {"binary_data_size": len(raw)}}],
        "outputs": [{"name": output, "parameters": {"classification": 3}}],
        "parameters": {"binary_data_output": True},
    }).encode()
    status, headers, body = call("POST", infer_url, header_json + raw, {
        "Inference-Header-Content-Length": str(len(header_json))})
    response, tensors = split_binary(headers, body)
    result["binary_classification"] = {"status": status, "body": response, "data": decode_bytes(tensors[output])}

    # An error: the protocol's {"error": ...} object.
    status, headers, body = call("POST", base + "/v2/models/no-such-model/infer", json.dumps(request).encode(),
                                 {"Content-Type": "application/json"})
    result["unknown_model"] = {"status": status, "body": json.loads(body)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
