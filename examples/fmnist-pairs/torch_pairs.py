"""PyTorch on the same Fashion-MNIST "class P vs rest" cut as fmnist-pairs.

usage: torch_pairs.py CUT.json [posweight|plain] [seed] [bn|nobn_tv]

CUT.json comes from `go run ./examples/fmnist-pairs -pos P -ratio R -dump-cut CUT.json`
(image indices into the official train and test splits). This trains the model
of issue 8's reference (../shared/reference/imbalance.py: CIFAR-style VGG16 on
1x32x32, 28x28 zero-padded by 2, Linear(512,1), Adam 1e-4, batch 64, 4 epochs)
with BCE and pos_weight = n_neg/n_pos (the reference's best recipe) or plain
BCE, and prints the test figures of the last epoch at threshold 0.5 (as the
reference reports them), at the threshold that maximises balanced accuracy on
the cut's validation images, and the best any threshold gives on the test set
(the oracle), so that gocnn's figures on the same images can be put beside it.

Needs python3-torch and the reference harness (cifar_vgg.py, fmnist.py,
common.py); their folder is $GOCNN_REFERENCE, by default ../shared/reference
beside the repository. Not part of `make test`.
"""
import json, os, sys, time
import numpy as np
import torch
import torch.nn as nn

here = os.path.dirname(os.path.abspath(__file__))
ref = os.environ.get("GOCNN_REFERENCE", os.path.join(here, "..", "..", "..", "shared", "reference"))
sys.path.insert(0, ref)
from common import setup  # noqa: E402
from cifar_vgg import make_vgg  # noqa: E402
import fmnist  # noqa: E402

cut = json.load(open(sys.argv[1]))
cfg = sys.argv[2] if len(sys.argv) > 2 else "posweight"
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
arch = sys.argv[4] if len(sys.argv) > 4 else "bn"
EPOCHS, LR, BATCH = 4, 1e-4, 64
setup(2, quiet=True)

Xtr, _ = fmnist.load("train")
Xte, _ = fmnist.load("test")


def prep(X):
    x = torch.from_numpy(X.astype(np.float32) / 255.0)
    x = (x - 0.2860) / 0.3530
    return nn.functional.pad(x, (2, 2, 2, 2), value=(0 - 0.2860) / 0.3530).unsqueeze(1)


def split(X, neg, pos):
    idx = np.array(neg + pos)
    return prep(X[idx]), np.array([0] * len(neg) + [1] * len(pos), dtype=np.int64)


xtr, ytr = split(Xtr, cut["train_neg"], cut["train_pos"])
xva, yva = split(Xtr, cut["val_neg"], cut["val_pos"])
xte, yte = split(Xte, cut["test_neg"], cut["test_pos"])
ttr = torch.from_numpy(ytr.astype(np.float32))
n_pos, n = int(ytr.sum()), len(ytr)

torch.manual_seed(seed)
model = make_vgg(1, 1, bn=(arch == "bn"), tv_init=(arch == "nobn_tv"))
opt = torch.optim.Adam(model.parameters(), lr=LR)
pw = torch.tensor([(n - n_pos) / n_pos]) if cfg == "posweight" else None
crit = nn.BCEWithLogitsLoss(pos_weight=pw)
g = torch.Generator().manual_seed(1 + seed)


def scores(x):
    model.eval()
    with torch.no_grad():
        s = torch.cat([model(x[i:i + 500]).squeeze(1) for i in range(0, len(x), 500)]).numpy()
    model.train()
    return s


def bal_acc(s, y, t):
    p = s > t
    rec = (p & (y == 1)).sum() / max((y == 1).sum(), 1)
    spec = (~p & (y == 0)).sum() / max((y == 0).sum(), 1)
    return (rec + spec) / 2, rec, spec


def best_threshold(s, y):
    u = np.unique(s)
    cands = np.concatenate([[u[0] - 1], (u[1:] + u[:-1]) / 2, [u[-1] + 1]])
    bas = [bal_acc(s, y, t)[0] for t in cands]
    return cands[int(np.argmax(bas))], max(bas)


def auc(s, y):
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    npos = y.sum()
    return (ranks[y == 1].sum() - npos * (npos + 1) / 2) / (npos * (len(y) - npos))


t0 = time.perf_counter()
for ep in range(EPOCHS):
    idx = torch.randperm(n, generator=g)
    for b in range(0, n, BATCH):
        bi = idx[b:b + BATCH]
        opt.zero_grad(set_to_none=True)
        crit(model(xtr[bi]).squeeze(1), ttr[bi]).backward()
        opt.step()

ste, sva = scores(xte), scores(xva)
ba05, rec05, spec05 = bal_acc(ste, yte, 0.0)
tval, _ = best_threshold(sva, yva)
bav, recv, specv = bal_acc(ste, yte, tval)
_, oracle = best_threshold(ste, yte)
print(f"torch pos={cut['pos']} ratio={cut['ratio']}:1 cfg={cfg} arch={arch} seed={seed} train_s={time.perf_counter() - t0:.0f}: "
      f"test balanced accuracy at 0.5 {ba05:.3f} (recall {rec05:.3f}, specificity {spec05:.3f}); "
      f"at the validation-tuned threshold {bav:.3f} (recall {recv:.3f}, specificity {specv:.3f}); "
      f"oracle {oracle:.3f}; ROC-AUC {auc(ste, yte):.3f}", flush=True)
