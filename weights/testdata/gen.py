#!/usr/bin/python3
"""Writes the PyTorch checkpoints the weights package is tested against.

Run from anywhere with Debian's python3-torch (torch 1.13):

    /usr/bin/python3 weights/testdata/gen.py

It writes, next to itself:
  zip.pth, legacy.pth   one state dict in torch.save's zip and legacy formats:
                        a small conv/BN/linear network's tensors (with an int64
                        num_batches_tracked), a non-contiguous tensor, two views
                        of one shared storage at different offsets, F16, BF16 and
                        F64 tensors, int32/uint8/bool tensors, a scalar, an empty one
  nested.pth            {"epoch", "state_dict" (DataParallel "module." keys),
                        "optimizer" (Adam state with tensors), "best_acc"}
  params.pth            a dict of nn.Parameter (torch._utils._rebuild_parameter)
  dtypes.safetensors    written by hand (struct + json) with F16/BF16/F64/I64
  expected.json         for every file: root, stripped prefix, and per key the
                        dtype, shape and values (float32 bit patterns or ints)
  evil_*.pth            hostile files: os.system and builtins.eval through
                        REDUCE, an unknown opcode, a storage larger than the file
The tensors are seeded, so the files are reproducible for one torch version.
"""
import collections
import io
import json
import os
import pickle
import struct
import zipfile

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(7)


def out(name):
    return os.path.join(here, name)


def state_dict():
    net = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 2 * 2, 2),
    )
    # One training-mode pass so the BN buffers and num_batches_tracked move.
    net.train()
    net(torch.randn(2, 3, 2, 2))
    sd = net.state_dict()
    base = torch.randn(5, 7)
    sd["extra.transposed"] = base.t()                      # non-contiguous
    shared = torch.arange(24, dtype=torch.float32) / 8
    sd["extra.shared_a"] = shared[2:14].view(3, 4)          # offset 2
    sd["extra.shared_b"] = shared[10:22:3]                  # offset 10, stride 3
    sd["extra.half"] = torch.randn(3, 2).half()
    sd["extra.bf16"] = torch.randn(4).bfloat16()
    sd["extra.double"] = torch.randn(2, 2, dtype=torch.float64) * 1e3
    sd["extra.int32"] = torch.tensor([[-3, 4], [2**31 - 1, -2**31]], dtype=torch.int32)
    sd["extra.uint8"] = torch.tensor([0, 255, 7], dtype=torch.uint8)
    sd["extra.mask"] = torch.tensor([True, False, True])
    sd["extra.scalar"] = torch.tensor(2.5)
    sd["extra.empty"] = torch.zeros(0, 3)
    return sd


def expect(sd, root="", prefix=""):
    keys = collections.OrderedDict()
    for k, t in sd.items():
        k = k[len(prefix):] if prefix else k
        if t.is_floating_point():
            bits = t.detach().float().contiguous().view(torch.int32).flatten().tolist()
            keys[k] = {"dtype": str(t.dtype), "shape": list(t.shape), "bits": [b & 0xFFFFFFFF for b in bits]}
        else:
            keys[k] = {"dtype": str(t.dtype), "shape": list(t.shape), "ints": t.long().flatten().tolist()}
    return {"root": root, "stripped_prefix": prefix, "keys": keys}


expected = {}

sd = state_dict()
torch.save(sd, out("zip.pth"))
torch.save(sd, out("legacy.pth"), _use_new_zipfile_serialization=False)
expected["zip.pth"] = expect(sd)
expected["legacy.pth"] = expect(sd)

# A training checkpoint: DataParallel names under "state_dict", next to an
# optimizer state that holds tensors of its own, and plain values.
net = torch.nn.Linear(3, 2)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
net(torch.randn(4, 3)).sum().backward()
opt.step()
inner = collections.OrderedDict(("module." + k, v) for k, v in net.state_dict().items())
torch.save({"epoch": 3, "state_dict": inner, "optimizer": opt.state_dict(), "best_acc": 0.625,
            "classes": ["cat", "dog"], "flags": (True, None, -1, 2**70)}, out("nested.pth"))
expected["nested.pth"] = expect(inner, root="state_dict", prefix="module.")

params = collections.OrderedDict((k, p) for k, p in torch.nn.Linear(2, 3).named_parameters())
torch.save(params, out("params.pth"))
expected["params.pth"] = expect(params)

# safetensors by hand: the reference layout, written without our writer.
st = collections.OrderedDict([
    ("d", torch.randn(3, dtype=torch.float64)),
    ("n", torch.tensor([1, -2, 2**40], dtype=torch.int64)),
    ("h", torch.randn(2, 3).half()),
    ("b", torch.randn(2).bfloat16()),
])
names = {torch.float64: "F64", torch.int64: "I64", torch.float16: "F16", torch.bfloat16: "BF16"}
header, blobs, at = {"__metadata__": {"format": "pt", "source": "gen.py"}}, [], 0
for k, t in st.items():
    raw = t.contiguous().view(torch.uint8).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
    header[k] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [at, at + len(raw)]}
    blobs.append(raw)
    at += len(raw)
hb = json.dumps(header).encode()
hb += b" " * (-len(hb) % 8)
with open(out("dtypes.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(hb)) + hb + b"".join(blobs))
expected["dtypes.safetensors"] = expect(st)

with open(out("expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")


# Hostile files. None of these may run anything or allocate what they claim.
class System:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/gocnn-pwned",))


class Eval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('echo pwned')",))


def zip_with_pickle(name, pkl, extra=()):
    """A torch-style zip archive whose data.pkl is pkl."""
    with zipfile.ZipFile(out(name), "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pkl)
        z.writestr("archive/byteorder", "little")
        for n, b in extra:
            z.writestr(n, b)
        z.writestr("archive/version", "3\n")


zip_with_pickle("evil_system.pth", pickle.dumps({"w": System()}, protocol=2))
zip_with_pickle("evil_eval.pth", pickle.dumps(collections.OrderedDict(w=Eval()), protocol=4))

# Legacy stream whose state dict calls os.system.
buf = io.BytesIO()
for v in (0x1950a86a20f9469cfc6c, 1001, {"protocol_version": 1001, "little_endian": True}):
    pickle.dump(v, buf, protocol=2)
pickle.dump({"w": System()}, buf, protocol=2)
pickle.dump([], buf, protocol=2)
with open(out("evil_legacy.pth"), "wb") as f:
    f.write(buf.getvalue())

# An unknown opcode (0xff) in the middle of an otherwise valid pickle.
good = pickle.dumps({"a": 1, "b": 2}, protocol=2)
zip_with_pickle("evil_opcode.pth", good[:-1].replace(b"K\x02", b"\xff\x02") + b".")

# A storage that claims a billion floats in a tiny file, in both formats.
small = collections.OrderedDict(w=torch.ones(4))
b = io.BytesIO()
torch.save(small, b)
with zipfile.ZipFile(b) as z:
    entries = {n: z.read(n) for n in z.namelist()}
pkl_name = [n for n in entries if n.endswith("data.pkl")][0]
pkl = entries[pkl_name]
assert pkl.count(b"K\x04t") == 1  # BININT1 4 then TUPLE: the storage's numel
pkl = pkl.replace(b"K\x04t", b"J\x00\xca\x9a\x3bt")  # BININT 1_000_000_000
zip_with_pickle("evil_storage_size.pth", pkl,
                [("archive/data/" + n.split("/data/")[1], v) for n, v in entries.items() if "/data/" in n])

b = io.BytesIO()
torch.save(small, b, _use_new_zipfile_serialization=False)
raw = bytearray(b.getvalue())
at = len(raw) - 4 * 4 - 8
assert struct.unpack_from("<q", raw, at)[0] == 4
struct.pack_into("<q", raw, at, 1_000_000_000)
with open(out("evil_legacy_size.pth"), "wb") as f:
    f.write(raw)

print("wrote", sorted(n for n in os.listdir(here) if not n.endswith(".py")))
