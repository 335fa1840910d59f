"""Golden files for vgg16's parity tests (parity_test.go).

Builds small networks with torchvision's VGG key layout (features.N.*,
classifier.{0,3,6}.* or the compact classifier.0.*), saves each as a zip
.pth (torch >= 1.6), a legacy .pth (what torchvision's published files use)
and safetensors, and records their logits for a few inputs, plus torchvision's
eval preprocessing of a few PNG images.

    /usr/bin/python3 vgg16/testdata/gen.py            # the committed files (< 1 MB)
    /usr/bin/python3 vgg16/testdata/gen.py --full DIR # full-size vgg16/vgg11_bn for `make parity`

Needs Debian's python3-torch (1.13) and python3-torchvision (0.14). The
safetensors files are written by hand (the format is a JSON header and raw
little-endian data), so the safetensors package is not needed.
"""
import json, os, struct, sys
import numpy as np
import torch, torch.nn as nn, torchvision
from torchvision.models.vgg import VGG, make_layers
from PIL import Image
import torchvision.transforms as T

HERE = os.path.dirname(os.path.abspath(__file__))


def save_safetensors(path, tensors, metadata=None):
    header, off, blobs = {}, 0, []
    for k, t in tensors.items():
        a = t.detach().contiguous().cpu()
        if a.dtype == torch.int64:
            dt, b = "I64", a.numpy().astype("<i8").tobytes()
        else:
            dt, b = "F32", a.float().numpy().astype("<f4").tobytes()
        header[k] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for b in blobs:
            f.write(b)


def perturb(model, g):
    """torchvision's init zeroes biases and BN's affine terms start at 1 and 0;
    make every tensor informative so that a misloaded one shows."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias") or p.dim() == 1:
                p.add_(0.1 * torch.randn(p.shape, generator=g))
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(0.2 * torch.randn(m.running_mean.shape, generator=g))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=g))
                m.num_batches_tracked.fill_(7)


def small_head(c, hidden, classes):
    """torchvision's classifier layout with a small hidden width."""
    head = nn.Sequential(
        nn.Linear(c * 7 * 7, hidden), nn.ReLU(True), nn.Dropout(),
        nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(),
        nn.Linear(hidden, classes))
    for m in head.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.01)
            nn.init.zeros_(m.bias)
    return head


def tv_vgg(cfg, bn, hidden, classes):
    """torchvision's own VGG class and make_layers with a custom cfg; the
    4096-wide head (sized for 512 channels) is replaced by a small one."""
    model = VGG(make_layers(cfg, batch_norm=bn), num_classes=classes, init_weights=True)
    model.classifier = small_head(cfg[-2] if cfg[-1] == "M" else cfg[-1], hidden, classes)
    return model


class Compact(nn.Module):
    """The CIFAR-style VGG: conv stack, then Linear(C*f*f, classes) as classifier.0."""
    def __init__(self, cfg, bn, in_ch, size, classes):
        super().__init__()
        layers, c, pools = [], in_ch, 0
        for v in cfg:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2)); pools += 1
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1)] + ([nn.BatchNorm2d(v)] if bn else []) + [nn.ReLU(True)]
                c = v
        self.features = nn.Sequential(*layers)
        f = size >> pools
        self.classifier = nn.Sequential(nn.Linear(c * f * f, classes))
        for m in self.modules():  # torchvision's VGG init
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu"); nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01); nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def save_all(model, stem, formats=("zip", "legacy", "safetensors")):
    sd = model.state_dict()
    files = {}
    if "zip" in formats:
        files["zip"] = stem + ".pth"
        torch.save(sd, os.path.join(OUT, files["zip"]))
    if "legacy" in formats:
        files["legacy"] = stem + "_legacy.pth"
        torch.save(sd, os.path.join(OUT, files["legacy"]), _use_new_zipfile_serialization=False)
    if "safetensors" in formats:
        files["safetensors"] = stem + ".safetensors"
        save_safetensors(os.path.join(OUT, files["safetensors"]), sd)
    return files


def small():
    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    golden, manifest = {}, {"models": [], "preprocess": []}
    specs = [
        # name, builder, go spec fields
        ("tv_tiny", lambda: tv_vgg([8, "M", 16, "M", 16, 16, "M"], False, 16, 3),
         dict(cfg=[8, 0, 16, 0, 16, 16, 0], bn=False, hidden=16, head="torchvision", in_channels=3, size=32, outputs=3)),
        ("tv_tiny_bn_binary", lambda: tv_vgg([8, "M", 16, "M", 16, "M"], True, 16, 1),
         dict(cfg=[8, 0, 16, 0, 16, 0], bn=True, hidden=16, head="torchvision", in_channels=3, size=48, outputs=1)),
        ("tv_tiny_64", lambda: tv_vgg([8, 8, "M", 16, "M", 16, "M"], False, 12, 4),
         dict(cfg=[8, 8, 0, 16, 0, 16, 0], bn=False, hidden=12, head="torchvision", in_channels=3, size=64, outputs=4)),
        ("compact_bn_gray", lambda: Compact([8, "M", 16, "M", 16, "M", 16, "M", 16, "M"], True, 1, 64, 2),
         dict(cfg=[8, 0, 16, 0, 16, 0, 16, 0, 16, 0], bn=True, hidden=0, head="compact", in_channels=1, size=64, outputs=2)),
    ]
    for name, mk, spec in specs:
        model = mk()
        perturb(model, g)
        model.eval()
        x = torch.randn(3, spec["in_channels"], spec["size"], spec["size"], generator=g)
        with torch.no_grad():
            y = model(x)
        files = save_all(model, name)
        golden[name + "/x"] = x
        golden[name + "/logits"] = y
        manifest["models"].append(dict(name=name, files=files, **spec))

    # torchvision's eval transform on PIL images (the usual user path).
    rng = np.random.default_rng(0)
    def png(name, arr, mode):
        Image.fromarray(arr, mode).save(os.path.join(OUT, name))
    yy, xx = np.mgrid[0:40, 0:50]
    rgb = np.stack([(xx * 5) % 256, (yy * 6) % 256, (xx + yy) * 2 % 256], -1).astype(np.uint8)
    rgb = np.clip(rgb.astype(int) + rng.integers(-20, 20, rgb.shape), 0, 255).astype(np.uint8)
    png("img_rgb_50x40.png", rgb, "RGB")
    png("img_rgb_32.png", rgb[4:36, 9:41].copy(), "RGB")
    png("img_gray_37x45.png", rng.integers(0, 256, (45, 37)).astype(np.uint8), "L")
    norm = T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    cases = [
        ("img_rgb_50x40.png", T.Compose([T.Resize(36), T.CenterCrop(32), T.ToTensor(), norm]), dict(size=32, resize=36)),
        # gocnn passes an image already at the crop size through untouched
        # (torchvision would upsample it to 36 and crop back).
        ("img_rgb_32.png", T.Compose([T.ToTensor(), norm]), dict(size=32, resize=36)),
        ("img_gray_37x45.png", T.Compose([T.Grayscale(3), T.Resize(36), T.CenterCrop(32), T.ToTensor(), norm]), dict(size=32, resize=36)),
    ]
    for fname, tf, p in cases:
        img = Image.open(os.path.join(OUT, fname))
        if img.mode != "RGB" and "gray" not in fname:
            img = img.convert("RGB")
        golden["pre/" + fname] = tf(img)
        manifest["preprocess"].append(dict(file=fname, **p))
    save_safetensors(os.path.join(OUT, "golden.safetensors"), golden)
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


def full(out):
    """Full-size torchvision models with random weights, for `make parity`."""
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    manifest = {"models": []}
    for arch, classes, formats in [("vgg16", 1000, ("zip", "legacy")), ("vgg11_bn", 5, ("zip", "safetensors"))]:
        model = getattr(torchvision.models, arch)(weights=None, num_classes=classes)
        perturb(model, g)
        model.eval()
        x = torch.randn(2, 3, 224, 224, generator=g)
        with torch.no_grad():
            y = model(x)
        files = save_all(model, arch, formats)
        save_safetensors(os.path.join(out, arch + "_golden.safetensors"), {"x": x, "logits": y})
        manifest["models"].append(dict(name=arch, arch=arch, outputs=classes, files=files))
        print("wrote", arch, files, flush=True)
    with open(os.path.join(out, "full.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    torch.set_num_threads(2)
    if len(sys.argv) == 3 and sys.argv[1] == "--full":
        OUT = sys.argv[2]
        os.makedirs(OUT, exist_ok=True)
        full(OUT)
    else:
        OUT = HERE
        small()
