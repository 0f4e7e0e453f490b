#!/usr/bin/python3
"""One, two and three object classes on scenes made here, per-class Dice.

  classes-synthetic.py --cli BUILD/core/cli/maskgrow [--seeds 1,2,3]
                       [--iterations 500] [--variants grey1,grey2,grey3,colour3]
                       [--train-args '--levels 3'] [--segment-args ...]

The shared data sets have one object class each; maskgrow is also used
on images with two or three.  Every scene is a 6 x 6 grid of 32 px cells
(192 x 192), one object per cell, the classes in turn: discs (radius 9),
squares (side 16), diamonds (|dx| + |dy| < 11).  Edges are softened
(Gaussian, sigma 0.7 px) and noise added (sd 0.05), as a camera would.
  grey1    the three shapes, all bright (0.9), one class: whether what
           costs several classes also costs one;
  grey2    discs bright (0.9), squares mid-grey (0.5), background 0.1:
           the scene of tests/core/test-train.c, larger;
  grey3    the same plus diamonds at 0.7: three classes by brightness;
  colour3  the three classes equally bright, told apart by hue only.
Hints are what a person paints: a blob of half the object's size in two
of every three objects and background strokes along the cell borders
(hint convention: 0 unknown, 1 background, c + 1 class c).  Prints, per
variant, the mean over seeds of each class's Dice (background first) and
of the object classes.  Needs python3-numpy, -pil, -scipy.
"""
import argparse
import json
import os
import tempfile

import numpy as np
from PIL import Image
from scipy import ndimage as ndi

from protocols import run  # same directory: the script's own sys.path[0]

CELL, GRID = 32, 6
GREY = {1: 0.9, 2: 0.5, 3: 0.7}
HUE = {1: (0.8, 0.3, 0.3), 2: (0.3, 0.8, 0.3), 3: (0.3, 0.3, 0.8)}


def scene(variant, seed):
    """image (H, W, channels) in [0, 1], truth labels, hints."""
    shapes = 2 if variant == "grey2" else 3
    n = CELL * GRID
    y, x = np.mgrid[0:n, 0:n]
    dy, dx = y % CELL - CELL // 2, x % CELL - CELL // 2
    kind = (y // CELL * GRID + x // CELL) % shapes + 1
    # two of every three objects of each class are painted
    unpainted = (y // CELL + x // CELL) % 3 == 2
    inside = np.where(kind == 1, dy * dy + dx * dx < 81,
                      np.where(kind == 2, (abs(dy) < 8) & (abs(dx) < 8),
                               abs(dy) + abs(dx) < 11))
    truth = np.where(inside, 1 if variant == "grey1" else kind, 0)
    truth = truth.astype(np.uint8)
    if variant == "colour3":
        base = np.full((n, n, 3), 0.1)
        for c, rgb in HUE.items():
            base[truth == c] = rgb
    else:
        base = np.full((n, n, 1), 0.1)
        for c, v in GREY.items():
            base[truth == c] = v
    rng = np.random.default_rng(seed)
    image = ndi.gaussian_filter(base, (0.7, 0.7, 0))
    image = np.clip(image + 0.05 * rng.standard_normal(image.shape), 0, 1)
    hints = np.zeros((n, n), np.uint8)
    painted = inside & ~unpainted & (dy * dy + dx * dx < 25)
    hints[painted] = truth[painted] + 1
    stroke = ~inside & ((y % CELL == 1) | (y % CELL == 30)) & (x % CELL > 4)
    hints[stroke] = 1
    return image, truth, hints


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--iterations", type=int, default=500)
    ap.add_argument("--variants", default="grey1,grey2,grey3,colour3")
    ap.add_argument("--train-args", default="")
    ap.add_argument("--segment-args", default="")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    print("| variant | background | class 1 | class 2 | class 3 "
          "| object classes | seeds |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        def p(name):
            return os.path.join(tmp, name)

        for variant in a.variants.split(","):
            dice = []
            for seed in seeds:
                image, truth, hints = scene(variant, seed)
                pixels = (image * 255 + 0.5).astype(np.uint8)
                Image.fromarray(pixels[..., 0] if pixels.shape[2] == 1
                                else pixels).save(p("image.png"))
                Image.fromarray(truth).save(p("truth.png"))
                Image.fromarray(hints).save(p("hints.png"))
                run([a.cli, "train", "--image", p("image.png"), "--hints",
                     p("hints.png"), "--model", p("m.mgm"), "--quiet",
                     "--seed", str(seed), "--seconds", "0", "--iterations",
                     str(a.iterations)] + a.train_args.split())
                run([a.cli, "segment", "--model", p("m.mgm"), "--image",
                     p("image.png"), "--out", p("pred.png"), "--quiet"]
                    + a.segment_args.split())
                j = json.loads(run([a.cli, "evaluate", "--pred",
                                    p("pred.png"), "--truth",
                                    p("truth.png")]))
                dice.append(j["dice"] + [j["mean_foreground_dice"]])
            m = np.mean(dice, axis=0)
            cells = ["%.3f" % v for v in m[:-1]]
            cells += [""] * (4 - len(cells))
            print("| %s | %s | %.3f | %d |" % (variant, " | ".join(cells),
                                               m[-1], len(seeds)),
                  flush=True)


if __name__ == "__main__":
    main()
