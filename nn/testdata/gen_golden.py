#!/usr/bin/python3
"""Golden files for gocnn's nn package, computed with PyTorch.

Regenerate (needs Debian's python3-torch; `make test` does not):

    /usr/bin/python3 nn/testdata/gen_golden.py nn/testdata

Writes golden.bin (raw little-endian float32 arrays, concatenated) and
golden.json ({"arrays": {name: {"offset": elements, "shape": [...]}},
"meta": {case: {...}}}). Integer data (class targets) is stored as float32.
Every case draws its inputs from a fixed torch seed, so the files are
reproducible; the Go tests read inputs and expected outputs from them.
"""
import json
import math
import os
import sys

import torch
import torch.nn as tnn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

arrays = {}
meta = {}


def put(name, t):
    t = torch.as_tensor(t).detach().to(torch.float32).contiguous().clone()
    assert name not in arrays, name
    arrays[name] = t


def grads(y, inputs, dy):
    return torch.autograd.grad(y, inputs, dy)


# ---------------------------------------------------------------- layers

def linear_case():
    torch.manual_seed(1)
    lin = tnn.Linear(7, 5)
    x = torch.randn(4, 7, requires_grad=True)
    y = lin(x)
    dy = torch.randn_like(y)
    dx, dw, db = grads(y, [x, lin.weight, lin.bias], dy)
    for k, v in dict(x=x, w=lin.weight, b=lin.bias, dy=dy, y=y, dx=dx, dw=dw, db=db).items():
        put("linear/" + k, v)


def conv_cases():
    cfgs = [
        # name, N C H W K R S stride pad dil bias
        ("3x3", 2, 3, 8, 8, 4, 3, 3, 1, 1, 1, True),
        ("3x3s2nobias", 2, 5, 9, 7, 6, 3, 3, 2, 1, 1, False),
        ("1x1", 3, 4, 5, 5, 7, 1, 1, 1, 0, 1, True),
        ("5x3dil2", 1, 3, 11, 10, 2, 5, 3, 1, 2, 2, True),
        ("vgg", 2, 16, 12, 12, 16, 3, 3, 1, 1, 1, True),
    ]
    for name, n, c, h, w, k, r, s, st, pad, dil, bias in cfgs:
        torch.manual_seed(2)
        conv = tnn.Conv2d(c, k, (r, s), stride=st, padding=pad, dilation=dil, bias=bias)
        x = torch.randn(n, c, h, w, requires_grad=True)
        y = conv(x)
        dy = torch.randn_like(y)
        ins = [x, conv.weight] + ([conv.bias] if bias else [])
        g = grads(y, ins, dy)
        p = "conv/%s/" % name
        put(p + "x", x); put(p + "w", conv.weight); put(p + "y", y); put(p + "dy", dy)
        put(p + "dx", g[0]); put(p + "dw", g[1])
        if bias:
            put(p + "b", conv.bias); put(p + "db", g[2])
        meta["conv/" + name] = dict(N=n, C=c, H=h, W=w, K=k, R=r, S=s, stride=st, pad=pad, dil=dil, bias=bias)


def relu_case():
    torch.manual_seed(3)
    x = torch.randn(2, 3, 4, 5, requires_grad=True)
    y = F.relu(x)
    dy = torch.randn_like(y)
    (dx,) = grads(y, [x], dy)
    for k, v in dict(x=x, y=y, dy=dy, dx=dx).items():
        put("relu/" + k, v)


def maxpool_cases():
    for name, (n, c, h, w, kk, st) in {"2s2": (2, 3, 6, 8, 2, 2), "3s2": (2, 2, 9, 7, 3, 2), "2s2odd": (1, 2, 7, 5, 2, 2)}.items():
        torch.manual_seed(4)
        x = torch.randn(n, c, h, w, requires_grad=True)
        y = F.max_pool2d(x, kk, st)
        dy = torch.randn_like(y)
        (dx,) = grads(y, [x], dy)
        p = "maxpool/%s/" % name
        put(p + "x", x); put(p + "y", y); put(p + "dy", dy); put(p + "dx", dx)
        meta["maxpool/" + name] = dict(N=n, C=c, H=h, W=w, kernel=kk, stride=st)


def avgpool_cases():
    for name, (n, c, h, w, oh, ow) in {"7to7": (2, 3, 7, 7, 7, 7), "5to3": (2, 3, 5, 5, 3, 3), "6x9to1": (2, 2, 6, 9, 1, 1), "7x5to3x2": (1, 2, 7, 5, 3, 2), "2to7": (1, 2, 2, 2, 7, 7)}.items():
        torch.manual_seed(5)
        x = torch.randn(n, c, h, w, requires_grad=True)
        y = F.adaptive_avg_pool2d(x, (oh, ow))
        dy = torch.randn_like(y)
        (dx,) = grads(y, [x], dy)
        p = "avgpool/%s/" % name
        put(p + "x", x); put(p + "y", y); put(p + "dy", dy); put(p + "dx", dx)
        meta["avgpool/" + name] = dict(N=n, C=c, H=h, W=w, OH=oh, OW=ow)


def batchnorm_case():
    torch.manual_seed(6)
    bn = tnn.BatchNorm2d(3, eps=1e-5, momentum=0.1)
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
    put("bn/gamma", bn.weight); put("bn/beta", bn.bias)
    bn.train()
    for step in range(2):
        x = (torch.randn(4, 3, 5, 5) * 2 + 1).requires_grad_(True)
        y = bn(x)
        dy = torch.randn_like(y)
        dx, dg, dbeta = grads(y, [x, bn.weight, bn.bias], dy)
        p = "bn/train%d/" % step
        put(p + "x", x); put(p + "y", y); put(p + "dy", dy)
        put(p + "dx", dx); put(p + "dgamma", dg); put(p + "dbeta", dbeta)
        put(p + "running_mean", bn.running_mean); put(p + "running_var", bn.running_var)
    bn.eval()
    x = torch.randn(2, 3, 4, 4, requires_grad=True)
    y = bn(x)
    dy = torch.randn_like(y)
    (dx,) = grads(y, [x], dy)
    put("bn/eval/x", x); put("bn/eval/y", y); put("bn/eval/dy", dy); put("bn/eval/dx", dx)
    meta["bn"] = dict(eps=1e-5, momentum=0.1, num_batches_tracked=int(bn.num_batches_tracked))


# ---------------------------------------------------------------- losses

def sigmoid_focal(inputs, targets, alpha, gamma, reduction):
    # torchvision.ops.sigmoid_focal_loss, verbatim.
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


def softmax_focal(z, y, alpha, gamma, reduction, ignore_index=-100):
    keep = y != ignore_index
    lp = F.log_softmax(z, dim=1)
    ys = torch.where(keep, y, torch.zeros_like(y))
    lq = lp.gather(1, ys[:, None])[:, 0]
    q = lq.exp()
    a = alpha[ys] if alpha is not None else torch.ones_like(lq)
    loss = -a * (1 - q) ** gamma * lq
    loss = torch.where(keep, loss, torch.zeros_like(loss))
    if reduction == "mean":
        return loss.sum() / keep.sum()
    if reduction == "sum":
        return loss.sum()
    return loss


def loss_case(name, fn, x, reduction, **m):
    x = x.clone().requires_grad_(True)
    out = fn(x, reduction)
    dy = torch.ones_like(out) if reduction != "none" else torch.randn_like(out)
    (dx,) = grads(out, [x], dy)
    p = "loss/%s/" % name
    put(p + "x", x); put(p + "out", out); put(p + "dy", dy); put(p + "dx", dx)
    meta["loss/" + name] = dict(reduction=reduction, **m)


def loss_cases():
    torch.manual_seed(7)
    x = torch.randn(6, 4) * 3
    x[0, 0], x[1, 1] = 60.0, -60.0  # stability: large logits
    t = (torch.rand(6, 4) > 0.5).float()
    t[5] = torch.rand(4)  # soft targets
    pw = torch.rand(4) * 3 + 0.2
    wfull = torch.rand(6, 4) + 0.5
    wrow = torch.rand(6, 1) + 0.5
    put("loss/bce/t", t); put("loss/bce/pos_weight", pw); put("loss/bce/weight_full", wfull); put("loss/bce/weight_row", wrow)
    for red in ["mean", "sum", "none"]:
        loss_case("bce/plain/" + red, lambda x, r: F.binary_cross_entropy_with_logits(x, t, reduction=r), x, red)
        loss_case("bce/pw/" + red, lambda x, r: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction=r), x, red)
        loss_case("bce/pw_wfull/" + red, lambda x, r: F.binary_cross_entropy_with_logits(x, t, weight=wfull, pos_weight=pw, reduction=r), x, red)
        loss_case("bce/wrow/" + red, lambda x, r: F.binary_cross_entropy_with_logits(x, t, weight=wrow, reduction=r), x, red)

    z = torch.randn(8, 5) * 2
    z[2, 3] = 80.0
    y = torch.tensor([0, 3, 3, 1, -100, 4, 2, 1])
    cw = torch.rand(5) + 0.3
    put("loss/ce/target", y); put("loss/ce/weight", cw)
    for red in ["mean", "sum", "none"]:
        for ls in [0.0, 0.1]:
            for wname, w in [("now", None), ("w", cw)]:
                nm = "ce/%s/ls%g/%s" % (wname, ls, red)
                loss_case(nm, lambda z_, r: F.cross_entropy(z_, y, weight=w, label_smoothing=ls, ignore_index=-100, reduction=r), z, red, label_smoothing=ls)

    put("loss/sfocal/t", t)
    for red in ["mean", "sum", "none"]:
        for alpha, gamma in [(0.25, 2.0), (-1.0, 0.5), (0.6, 0.0)]:
            nm = "sfocal/a%g_g%g/%s" % (alpha, gamma, red)
            loss_case(nm, lambda x_, r: sigmoid_focal(x_, t, alpha, gamma, r), x, red, alpha=alpha, gamma=gamma)
    try:
        import torchvision.ops
        a = sigmoid_focal(x, t, 0.25, 2.0, "sum")
        b = torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 2.0, "sum")
        assert torch.allclose(a, b), (a, b)
    except ImportError:
        pass

    fa = torch.rand(5) + 0.2
    put("loss/mfocal/alpha", fa)
    for red in ["mean", "sum", "none"]:
        for gamma in [0.0, 2.0, 0.5]:
            nm = "mfocal/g%g/%s" % (gamma, red)
            loss_case(nm, lambda z_, r: softmax_focal(z_, y, fa, gamma, r), z, red, gamma=gamma)


# ------------------------------------------------------- small VGG training

class SmallVGG(tnn.Module):
    def __init__(self):
        super().__init__()
        self.features = tnn.Sequential(
            tnn.Conv2d(3, 8, 3, padding=1), tnn.BatchNorm2d(8), tnn.ReLU(inplace=True), tnn.MaxPool2d(2, 2),
            tnn.Conv2d(8, 16, 3, padding=1), tnn.BatchNorm2d(16), tnn.ReLU(inplace=True), tnn.MaxPool2d(2, 2),
        )
        self.avgpool = tnn.AdaptiveAvgPool2d((2, 2))
        self.classifier = tnn.Sequential(
            tnn.Linear(64, 32), tnn.ReLU(True), tnn.Linear(32, 10),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def train_case():
    torch.manual_seed(8)
    net = SmallVGG()
    for m in net.modules():  # torchvision VGG init
        if isinstance(m, tnn.Conv2d):
            tnn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            tnn.init.constant_(m.bias, 0)
        elif isinstance(m, tnn.BatchNorm2d):
            tnn.init.constant_(m.weight, 1)
            tnn.init.constant_(m.bias, 0)
        elif isinstance(m, tnn.Linear):
            tnn.init.normal_(m.weight, 0, 0.01)
            tnn.init.constant_(m.bias, 0)
    names = []
    for k, v in net.state_dict().items():
        if k.endswith("num_batches_tracked"):
            continue
        put("train/init/" + k, v)
        names.append(k)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    steps, n = 10, 8
    losses = []
    net.train()
    for s in range(steps):
        x = torch.randn(n, 3, 16, 16)
        y = torch.randint(0, 10, (n,))
        put("train/x%d" % s, x); put("train/y%d" % s, y)
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    put("train/losses", torch.tensor(losses))
    net.eval()
    put("train/eval_logits", net(arrays["train/x0"]))
    meta["train"] = dict(steps=steps, lr=0.05, momentum=0.9, weight_decay=5e-4, names=names)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    linear_case(); conv_cases(); relu_case(); maxpool_cases(); avgpool_cases(); batchnorm_case()
    loss_cases(); train_case()
    index, off = {}, 0
    with open(os.path.join(out, "golden.bin"), "wb") as f:
        for name in sorted(arrays):
            t = arrays[name]
            f.write(t.numpy().astype("<f4").tobytes())
            index[name] = {"offset": off, "shape": list(t.shape)}
            off += t.numel()
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump({"torch": torch.__version__, "arrays": index, "meta": meta}, f, indent=0, sort_keys=True)
    print("wrote %d arrays, %d floats to %s" % (len(arrays), off, out))


if __name__ == "__main__":
    main()
