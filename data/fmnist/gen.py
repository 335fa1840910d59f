"""Build the embedded default dataset from Debian's dataset-fashion-mnist.

usage: /usr/bin/python3 gen.py [ROOT]   (ROOT: /usr/share/datasets/fashion-mnist)

Needs python3-numpy and dataset-fashion-mnist (apt-get install -y python3-numpy
dataset-fashion-mnist). Writes six gzipped IDX files beside this script, each
holding the original Fashion-MNIST labels (0-9); fmnist.go derives the binary
task "Sneaker (7) vs rest" from them.

The train and test cuts replay ../../../shared/reference/imbalance.py with seed
0 exactly (numpy's default_rng(0), the same calls in the same order), so gocnn
and the PyTorch reference train and test on the same images:
  train: 6000 random non-sneakers + 60 random sneakers of the official train
         split (100:1), in that order;
  test:  all 1000 sneakers of the official test split + 1000 random others.
Then, from the train images not used above (same generator, continued):
  val:   1000 non-sneakers + 100 sneakers (10:1), for early stopping and
         threshold tuning; more positives than train's ratio would give, so
         that recall on validation is not decided by a handful of images.
Fashion-MNIST is (c) Zalando SE, MIT licence.
"""
import gzip, os, sys
import numpy as np

ROOT = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = os.path.dirname(os.path.abspath(__file__))
POS, N_NEG, N_POS, SEED = 7, 6000, 60, 0
VAL_NEG, VAL_POS = 1000, 100


def read(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    assert magic >> 8 == 0x08, hex(magic)
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write(name, arr):
    head = bytes([0, 0, 0x08, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    # mtime=0 keeps the output byte-identical between runs.
    with open(os.path.join(OUT, name), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
            f.write(head + np.ascontiguousarray(arr, dtype=np.uint8).tobytes())


Xtr, ytr = read(f"{ROOT}/train-images-idx3-ubyte.gz"), read(f"{ROOT}/train-labels-idx1-ubyte.gz")
Xte, yte = read(f"{ROOT}/t10k-images-idx3-ubyte.gz"), read(f"{ROOT}/t10k-labels-idx1-ubyte.gz")

rng = np.random.default_rng(SEED)
neg_i = rng.choice(np.flatnonzero(ytr != POS), N_NEG, replace=False)
pos_i = rng.choice(np.flatnonzero(ytr == POS), N_POS, replace=False)
tr_i = np.concatenate([neg_i, pos_i])
te_i = np.concatenate([np.flatnonzero(yte == POS), rng.choice(np.flatnonzero(yte != POS), 1000, replace=False)])

unused = np.ones(len(ytr), dtype=bool)
unused[tr_i] = False
va_neg = rng.choice(np.flatnonzero(unused & (ytr != POS)), VAL_NEG, replace=False)
va_pos = rng.choice(np.flatnonzero(unused & (ytr == POS)), VAL_POS, replace=False)
va_i = np.concatenate([va_neg, va_pos])

for name, X, y, idx in [("train", Xtr, ytr, tr_i), ("val", Xtr, ytr, va_i), ("test", Xte, yte, te_i)]:
    write(f"{name}-images.idx.gz", X[idx])
    write(f"{name}-labels.idx.gz", y[idx])
    print(f"{name}: {len(idx)} images, {int((y[idx] == POS).sum())} sneakers")
