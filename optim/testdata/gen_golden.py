#!/usr/bin/python3
"""Golden 50-step trajectories of gocnn's optimizers and schedulers, computed
with PyTorch.

Regenerate (needs Debian's python3-torch; `make test` does not):

    /usr/bin/python3 optim/testdata/gen_golden.py optim/testdata

Every case optimises two parameters, p0 [3, 4] and p1 [5], on the quadratic
loss Σ ½·a·p² + b·p, whose gradient a·p + b the Go test recomputes in
float32 the same way. Per step it records the group learning rates after
the scheduler step and both parameters after the optimizer step. Format:
golden.bin holds raw little-endian float32 arrays, golden.json the index
{"arrays": {name: {"offset", "shape"}}, "meta": {case: settings}}.
"""
import json
import os
import sys

import torch

torch.set_num_threads(1)
STEPS = 50
arrays, meta = {}, {}


def put(name, t):
    arrays[name] = torch.as_tensor(t).detach().to(torch.float32).contiguous().clone()


torch.manual_seed(11)
P0 = torch.randn(3, 4)
P1 = torch.randn(5)
A0 = torch.rand(3, 4) * 2 + 0.1
A1 = torch.rand(5) * 2 + 0.1
B0 = torch.randn(3, 4)
B1 = torch.randn(5)
METRICS = torch.tensor([5, 4, 4, 4, 4, 3.9999, 3, 3, 3, 3, 3, 3, 2.5] + [2.5] * 37, dtype=torch.float64)
for k, v in dict(p0=P0, p1=P1, a0=A0, a1=A1, b0=B0, b1=B1, metrics=METRICS).items():
    put("init/" + k, v)


def run(name, make_opt, make_sched=None, two_groups=False, clip=None, plateau=False, **m):
    p0 = P0.clone().requires_grad_(True)
    p1 = P1.clone().requires_grad_(True)
    opt = make_opt([p0, p1]) if not two_groups else make_opt([p0], [p1])
    sched = make_sched(opt) if make_sched else None
    lrs, t0, t1 = [], [], []
    for step in range(STEPS):
        opt.zero_grad()
        with torch.no_grad():
            p0.grad = A0 * p0 + B0
            p1.grad = A1 * p1 + B1
        if clip is not None:
            torch.nn.utils.clip_grad_norm_([p0, p1], clip)
        opt.step()
        if sched is not None:
            if plateau:
                sched.step(float(METRICS[step]))
            else:
                sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        t0.append(p0.detach().clone())
        t1.append(p1.detach().clone())
    put(name + "/lr", torch.tensor(lrs, dtype=torch.float64))
    put(name + "/p0", torch.stack(t0))
    put(name + "/p1", torch.stack(t1))
    meta[name] = m


O = torch.optim
S = torch.optim.lr_scheduler


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    run("sgd", lambda ps: O.SGD(ps, lr=0.1))
    run("sgd_momentum", lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-2))
    run("sgd_nesterov", lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3))
    run("sgd_clip", lambda ps: O.SGD(ps, lr=0.1, momentum=0.5), clip=1.0)
    run("adam", lambda ps: O.Adam(ps, lr=1e-2))
    run("adam_amsgrad_wd", lambda ps: O.Adam(ps, lr=2e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=1e-2, amsgrad=True))
    run("adamw", lambda ps: O.AdamW(ps, lr=1e-2, weight_decay=0.1))
    run("adamw_groups", lambda a, b: O.AdamW([{"params": a, "lr": 3e-2, "weight_decay": 0.0}, {"params": b}], lr=1e-2, weight_decay=0.05), two_groups=True)
    run("steplr", lambda ps: O.SGD(ps, lr=0.1, momentum=0.9), lambda o: S.StepLR(o, 10, 0.5))
    run("cosine", lambda ps: O.Adam(ps, lr=5e-2), lambda o: S.CosineAnnealingLR(o, 20, 1e-4))
    run("onecycle_sgd", lambda ps: O.SGD(ps, lr=0.1, momentum=0.9), lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=STEPS))
    run("onecycle_adam", lambda ps: O.Adam(ps, lr=0.1), lambda o: S.OneCycleLR(o, max_lr=[0.05], total_steps=STEPS, pct_start=0.25, anneal_strategy="linear", three_phase=True))
    run("warmup", lambda ps: O.AdamW(ps, lr=2e-2, weight_decay=1e-2), lambda o: S.LinearLR(o, start_factor=0.1, total_iters=10))
    run("warmup_cosine", lambda a, b: O.SGD([{"params": a}, {"params": b, "lr": 0.05}], lr=0.1, momentum=0.9),
        lambda o: S.ChainedScheduler([S.LinearLR(o, start_factor=0.25, total_iters=5), S.CosineAnnealingLR(o, 30)]), two_groups=True)
    run("plateau", lambda ps: O.SGD(ps, lr=0.1), lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1), plateau=True)
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
