#!/usr/bin/python3
"""torch-compare.py — MG-UNet-S in PyTorch beside `maskgrow bench`, in one run.

Times, with the same threads, the same network (design.md: widths
16-32-64-128, two 3x3 conv + ReLU per level, 2x2 max-pool, 2x2 transposed
conv, skips, three 1x1 heads with two classes each), the same batch and the
same step (forward, the three heads' cross-entropies, backward, Adam):

- the training step on 4 grey and 4 RGB 256x256 patches, and on 4 grey
  96x96 patches (maskgrow's default training batch) (median of N);
- inference of one 1024x1024 grey image (one forward, no gradients; the
  whole image at once, PyTorch's natural way);

then runs `maskgrow bench --json` and prints both and the ratios
PyTorch time / maskgrow time (above 1: maskgrow is faster).

usage: tests/bench/torch-compare.py [--maskgrow build/core/cli/maskgrow]
                                    [--threads T] [--repeats N]
Needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    sys.exit("torch-compare.py: PyTorch is missing: apt-get install python3-torch")

WIDTHS = (16, 32, 64, 128)


def double_conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU(inplace=True))


class MGUNetS(nn.Module):
    def __init__(self, channels, classes=2):
        super().__init__()
        w = WIDTHS
        self.enc = nn.ModuleList([double_conv(channels, w[0]), double_conv(w[0], w[1]),
                                  double_conv(w[1], w[2])])
        self.mid = double_conv(w[2], w[3])
        self.up = nn.ModuleList([nn.ConvTranspose2d(w[l + 1], w[l], 2, stride=2)
                                 for l in range(3)])
        self.dec = nn.ModuleList([double_conv(2 * w[l], w[l]) for l in range(3)])
        self.heads = nn.ModuleList([nn.Conv2d(w[0], classes, 1) for _ in range(3)])

    def forward(self, x):
        skips = []
        for enc in self.enc:
            x = enc(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.mid(x)
        for l in (2, 1, 0):
            x = self.dec[l](torch.cat([skips[l], self.up[l](x)], dim=1))
        return [head(x) for head in self.heads]


def median_seconds(fn, repeats):
    fn()  # warm-up, as maskgrow's bench does
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def train_step_seconds(channels, batch, size, repeats):
    torch.manual_seed(1)
    net = MGUNetS(channels)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.rand(batch, channels, size, size) * 2 - 1
    targets = [torch.randint(0, 2, (batch, size, size)) for _ in range(3)]

    def step():
        opt.zero_grad(set_to_none=False)
        outs = net(x)
        loss = sum(F.cross_entropy(o, t) for o, t in zip(outs, targets))
        loss.backward()
        opt.step()

    return median_seconds(step, repeats)


def inference_seconds(size, repeats):
    torch.manual_seed(1)
    net = MGUNetS(1).eval()
    x = torch.rand(1, 1, size, size)

    def forward():
        with torch.no_grad():
            outs = net(x)
            torch.softmax(outs[1], dim=1)

    return median_seconds(forward, repeats)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--maskgrow", default=os.path.join(here, "..", "..", "build",
                                                       "core", "cli", "maskgrow"))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch_fig = {
        "train_step_gray_s": train_step_seconds(1, 4, 256, args.repeats),
        "train_step_rgb_s": train_step_seconds(3, 4, 256, args.repeats),
        "train_step_96_s": train_step_seconds(1, 4, 96, 3 * args.repeats),
        "infer_1mp_s": inference_seconds(1024, max(3, args.repeats // 2)),
    }
    out = subprocess.run([args.maskgrow, "bench", "--json", "--threads",
                          str(args.threads)], check=True, capture_output=True,
                         text=True).stdout
    mg = json.loads(out.strip().splitlines()[-1])

    print(f"threads {args.threads}, PyTorch {torch.__version__}")
    print(f"{'figure':22} {'maskgrow':>10} {'PyTorch':>10} {'PyTorch/maskgrow':>17}")
    for key, t in torch_fig.items():
        print(f"{key:22} {mg[key]:10.3f} {t:10.3f} {t / mg[key]:17.2f}")
    print(json.dumps({"threads": args.threads, "torch": torch_fig,
                      "maskgrow": mg,
                      "ratio": {k: t / mg[k] for k, t in torch_fig.items()}}))


if __name__ == "__main__":
    main()
