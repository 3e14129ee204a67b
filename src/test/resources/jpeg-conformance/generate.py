#!/usr/bin/python3
"""Writes the JPEG conformance corpus next to this script, with Pillow's verdict on each file in manifest.json.

Every file is a variant of one small picture: what encoders write (Pillow, libjpeg-turbo's cjpeg and jpegtran),
and legal but unusual streams made by editing those bytes (fill bytes, many or large segments, restart markers,
no EOI...), plus a few damaged files. For each file Pillow 9.4 (Debian's python3-pil, which decodes with
libjpeg-turbo 2.1) either decodes it, and its RGB (EXIF orientation applied, as the service does) is saved as
<name>.pillow.png, or refuses it, and the error is recorded. JpegConformanceTests checks the service agrees.

Run from anywhere: /usr/bin/python3 src/test/resources/jpeg-conformance/generate.py
Needs: python3-pil, libjpeg-turbo-progs (cjpeg, jpegtran). Output is deterministic for a given Pillow/libjpeg-turbo.
"""

import io
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

import PIL
from PIL import Image, ImageOps, features

HERE = os.path.dirname(os.path.abspath(__file__))

# Where the service deliberately decides otherwise than Pillow, and why (recorded as "service" in the manifest).
DEVIATIONS = {
    "no-eoi": "Pillow's verdict on a JPEG without EOI depends on whether libjpeg's bit reader wanted to look ahead "
              "past the last byte (it refuses most, but decodes no-eoi-32x32); the service adds the missing EOI to "
              "a single-scan JPEG and decodes every one whose scan data is complete (a scan cut short is still "
              "refused: truncated, truncated-one-byte).",
}
W, H = 97, 61  # odd sizes: partial MCUs at the right and bottom edges


def picture(w=W, h=H):
    rnd = random.Random(1)
    im = Image.new("RGB", (w, h))
    px = im.load()
    for y in range(h):
        for x in range(w):
            noisy = (x // 8 + y // 8) % 3 == 0
            px[x, y] = ((x * 7 + y * 3) % 256, (y * 11 + x) % 256, rnd.randrange(256) if noisy else (x * y) % 256)
    return im


def pillow_jpeg(im, **kw):
    buf = io.BytesIO()
    im.save(buf, "JPEG", **kw)
    return buf.getvalue()


def run(cmd, data):
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout


def cjpeg(im, *args):
    buf = io.BytesIO()
    im.save(buf, "PPM")  # P6 for RGB, P5 for L
    return run(["cjpeg", *args], buf.getvalue())


def jpegtran(data, *args):
    return run(["jpegtran", *args], data)


def segments(data):
    """(marker, start, end) of each marker segment before the first SOS; end excludes the next marker."""
    out = []
    pos = 2
    while True:
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        out.append((marker, pos, pos + 2 + length))
        if marker == 0xDA:
            return out
        pos += 2 + length


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def insert_after_soi(data, extra):
    return data[:2] + extra + data[2:]


def fill_before_every_marker(data, n=3):
    """n extra 0xFF before every marker outside entropy-coded data (legal: 'fill bytes', T.81 B.1.1.2)."""
    out = bytearray(data[:2])
    for marker, start, end in segments(data):
        out += b"\xff" * n + data[start:end]
        if marker == 0xDA:
            out += data[end:-2] + b"\xff" * n + data[-2:]  # entropy-coded data, then fill before EOI
    return bytes(out)


def fill_before_restarts(data, n=2):
    """n extra 0xFF before each RSTn marker inside entropy-coded data (also legal)."""
    sos_end = segments(data)[-1][2]
    head, body = data[:sos_end], data[sos_end:]
    for m in range(0xD0, 0xD8):
        body = body.replace(bytes([0xFF, m]), b"\xff" * n + bytes([0xFF, m]))
    return head + body


def exif_orientation(o):
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, o, 0)
    return segment(0xE1, b"Exif\x00\x00" + tiff + b"\x00\x00\x00\x00")


def variants():
    im = picture()
    gray = im.convert("L")
    base = pillow_jpeg(im, quality=90)
    v = {}

    # what encoders write
    v["pillow-420"] = ("Pillow, 4:2:0", base)
    v["pillow-422"] = ("Pillow, 4:2:2", pillow_jpeg(im, quality=90, subsampling=1))
    v["pillow-444"] = ("Pillow, 4:4:4", pillow_jpeg(im, quality=90, subsampling=0))
    v["pillow-progressive"] = ("Pillow, progressive", pillow_jpeg(im, quality=90, progressive=True))
    v["pillow-optimized"] = ("Pillow, optimised Huffman tables", pillow_jpeg(im, quality=75, optimize=True))
    v["pillow-gray"] = ("Pillow, grayscale", pillow_jpeg(gray, quality=90))
    v["pillow-cmyk"] = ("Pillow, CMYK with an Adobe segment (inverted)", pillow_jpeg(im.convert("CMYK"), quality=90))
    v["pillow-1x1"] = ("one pixel", pillow_jpeg(picture(1, 1)))
    v["pillow-17x3"] = ("17x3: less than one MCU high", pillow_jpeg(picture(17, 3)))
    v["cjpeg-rgb"] = ("cjpeg -rgb: RGB components, no colour transform", cjpeg(im, "-rgb"))
    v["cjpeg-gray-progressive"] = ("cjpeg -grayscale -progressive", cjpeg(gray, "-progressive"))
    for s in ["1x1", "2x1", "2x2", "1x2", "4x1", "3x1", "3x2", "2x3", "4x2", "2x2,2x1,1x2", "1x1,2x2,2x2"]:
        v["cjpeg-sample-" + s.replace(",", "-")] = ("cjpeg -sample " + s + " (sampling factors)",
                                                    cjpeg(im, "-sample", s))
    v["cjpeg-arithmetic"] = ("cjpeg -arithmetic", cjpeg(im, "-arithmetic"))
    v["cjpeg-arithmetic-progressive"] = ("cjpeg -arithmetic -progressive", cjpeg(im, "-arithmetic", "-progressive"))
    v["cjpeg-restart-1-mcu"] = ("cjpeg -restart 1B: a restart marker after every MCU", cjpeg(im, "-restart", "1B"))
    v["cjpeg-restart-1-row"] = ("cjpeg -restart 1: a restart marker after every MCU row", cjpeg(im, "-restart", "1"))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        # one scan per component (non-interleaved sequential), then a spectral-selection-only progressive script
        f.write("0;\n1;\n2;\n")
        sequential = f.name
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("0,1,2: 0-0, 0, 0;\n0: 1-9, 0, 0;\n0: 10-63, 0, 0;\n1: 1-63, 0, 0;\n2: 1-63, 0, 0;\n")
        spectral = f.name
    v["jpegtran-non-interleaved"] = ("jpegtran -scans: one sequential scan per component",
                                     jpegtran(base, "-scans", sequential))
    v["jpegtran-spectral-scans"] = ("jpegtran -scans: progressive, spectral selection only",
                                    jpegtran(base, "-scans", spectral))
    os.unlink(sequential)
    os.unlink(spectral)

    # legal but unusual streams
    v["fill-bytes"] = ("3 fill bytes (0xFF) before every marker", fill_before_every_marker(base))
    many = b"".join(segment(0xFE, b"comment %02d" % i) + segment(0xE3 + i % 10, b"x" * 20) for i in range(40))
    v["fill-bytes-many-segments"] = ("fill bytes before every marker, 40 COM and 40 APP3-APP12 segments",
                                     fill_before_every_marker(insert_after_soi(base, many)))
    v["many-segments"] = ("200 COM and APPn segments", insert_after_soi(base, b"".join(
        segment(0xFE if i % 2 else 0xE1 + i % 15, b"segment %03d" % i) for i in range(200))))
    v["large-segments"] = ("three segments of the largest size (APP1 XMP, APP2, COM), 64 KiB each", insert_after_soi(
        base, segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + b" " * 65504) + segment(0xE2, b"\x00" * 65533)
        + segment(0xFE, b"c" * 65533)))
    v["restart-fill-bytes"] = ("restart markers with 2 fill bytes before each", fill_before_restarts(
        cjpeg(im, "-restart", "1B")))
    v["adobe-ycbcr"] = ("an Adobe segment with transform 1 (YCbCr)", insert_after_soi(
        base, segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")))
    thumb = pillow_jpeg(picture(8, 8), quality=50)
    v["jfxx-thumbnail"] = ("a JFXX APP0 extension with a JPEG thumbnail", base[:20] + segment(
        0xE0, b"JFXX\x00\x10" + thumb) + base[20:])
    for o in (3, 6, 8):
        v["exif-orientation-%d" % o] = ("EXIF orientation %d" % o, insert_after_soi(base, exif_orientation(o)))
    v["no-eoi"] = ("the EOI marker missing", base[:-2])
    v["no-eoi-32x32"] = ("the EOI marker missing (32x32, quality 95)", pillow_jpeg(picture(32, 32), quality=95)[:-2])
    v["trailing-garbage"] = ("bytes after EOI", base + b"trailing bytes after the image")
    v["padding-before-eoi"] = ("zero bytes between the last scan and EOI", base[:-2] + b"\x00" * 3 + base[-2:])
    dqt = base.index(b"\xff\xdb")
    v["stray-bytes-between-segments"] = ("stray bytes (not 0xFF) between two header segments",
                                         base[:dqt] + b"\x00\x17junk" + base[dqt:])

    # damaged
    v["truncated"] = ("entropy-coded data cut short", base[:len(base) * 2 // 3])
    v["truncated-one-byte"] = ("the last byte of entropy-coded data and EOI missing", base[:-3])
    progressive = pillow_jpeg(im, quality=90, progressive=True)
    v["progressive-no-eoi"] = ("a progressive JPEG without EOI", progressive[:-2])
    last_sos = progressive.rfind(b"\xff\xda")
    v["progressive-missing-last-scan"] = ("a progressive JPEG cut before its last scan", progressive[:last_sos])
    return v


def pillow_verdict(data):
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
        sampling = getattr(im, "layer", None)
        rgb = ImageOps.exif_transpose(im).convert("RGB")
        return {"decodes": True, "mode": im.mode, "width": rgb.width, "height": rgb.height,
                "sampling": [[c[1], c[2]] for c in sampling] if sampling else None}, rgb
    except Exception as e:  # noqa: BLE001 - any failure is Pillow's verdict
        return {"decodes": False, "error": "%s: %s" % (type(e).__name__, e)}, None


def main():
    for name in os.listdir(HERE):
        if name.endswith((".jpg", ".png")):
            os.unlink(os.path.join(HERE, name))
    entries = []
    for name, (description, data) in variants().items():
        with open(os.path.join(HERE, name + ".jpg"), "wb") as f:
            f.write(data)
        verdict, rgb = pillow_verdict(data)
        entry = {"file": name + ".jpg", "variant": description, "pillow": verdict}
        if name in DEVIATIONS:
            entry["service"] = {"decodes": not verdict["decodes"], "why": DEVIATIONS[name]}
        if rgb is not None:
            rgb.save(os.path.join(HERE, name + ".pillow.png"), optimize=True)
            entry["pillow"]["rgb"] = name + ".pillow.png"
        entries.append(entry)
    manifest = {
        "generator": "generate.py",
        "pillow": PIL.__version__,
        "libjpeg_turbo": features.version("libjpeg_turbo"),
        "samples": entries,
    }
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    decodes = sum(e["pillow"]["decodes"] for e in entries)
    print("%d files, %d decoded by Pillow %s, %d refused" % (len(entries), decodes, PIL.__version__,
                                                             len(entries) - decodes), file=sys.stderr)


if __name__ == "__main__":
    main()
