#!/usr/bin/env python3
"""Writes fixture.safetensors, the interop fixture of SafeTensorsTest, with numpy only.

The byte layout is written by hand exactly as the safetensors specification (and the reference writer,
safetensors.torch.save_file) lays it out: an unsigned 64-bit little-endian header length N, N bytes of a UTF-8
JSON header padded with spaces to a multiple of 8, then the little-endian row-major tensor bytes, larger dtypes
first, by name within a dtype size. json.dumps' defaults (", " separators, non-ASCII as \\u escapes) differ on
purpose from autograd4j's compact writer.

    python3 make_safetensors_fixture.py            # (re)writes fixture.safetensors next to this script
    python3 make_safetensors_fixture.py --read F   # prints the tensors of any F32/F64/I64/BOOL safetensors file
"""
import json
import os
import struct
import sys

import numpy as np

DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I64": np.dtype("<i8"), "BOOL": np.dtype("bool")}


def tensors():
    return {
        "weight": np.array([[1.5, -2.25, 3.0], [0.1, -0.0, 1e-40]], dtype="<f4"),
        "bias": np.array([np.pi, -1e300, 2.0 ** -1074], dtype="<f8"),
        "index": np.array([[-(2 ** 63), 2 ** 53 + 1], [7, -3]], dtype="<i8"),
        "mask": np.array([True, False, False, True], dtype=bool),
        "scalar": np.array(2.5, dtype="<f4"),
        "empty": np.zeros((0, 2), dtype="<f4"),
        "layer.0.\u00fcn\u00efcode": np.arange(6, dtype="<f4").reshape(3, 2) / 4,
    }


def code(arr):
    for name, dt in DTYPES.items():
        if arr.dtype == dt:
            return name
    raise ValueError(arr.dtype)


def write(path, named, metadata=None):
    order = sorted(named, key=lambda k: (-named[k].dtype.itemsize, k))
    header, at = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    for k in order:
        n = named[k].nbytes
        header[k] = {"dtype": code(named[k]), "shape": list(named[k].shape), "data_offsets": [at, at + n]}
        at += n
    raw = json.dumps(header).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for k in order:
            f.write(np.ascontiguousarray(named[k]).tobytes())


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    out = {}
    for k, v in header.items():
        b, e = v["data_offsets"]
        out[k] = np.frombuffer(data[8 + n + b:8 + n + e], dtype=DTYPES[v["dtype"]]).reshape(v["shape"])
    return out, metadata


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--read":
        named, meta = read(sys.argv[2])
        print("metadata", meta)
        for k, v in named.items():
            print(repr(k), v.dtype, list(v.shape), v.ravel().tolist())
    else:
        target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture.safetensors")
        write(target, tensors(), {"format": "pt", "written by": "numpy"})
        back, _ = read(target)
        assert all(np.array_equal(back[k], v) for k, v in tensors().items())
        print("wrote", target, os.path.getsize(target), "bytes")
