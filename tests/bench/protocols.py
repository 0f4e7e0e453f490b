#!/usr/bin/python3
"""Quality protocols of issue 3 on real data with ground truth, as a table.

  protocols.py --cli BUILD/core/cli/maskgrow --shared ../shared \
               [--sets hc18-fetal-head,dsb2018-nuclei-subset,miccai-nuclei]
               [--images 4] [--seeds 1,2] [--iterations 500] [--train-args ...]
               [--segment-args ...]
               [--methods maskgrow,naive,upper,rf]
               [--protocols single,few[,outlined]]

For every data set (in SHARED/data) it runs, on the first --images images:
  single  one image, rough hints on 1/3 of its objects (SHARED/hints.py
          partial --objects 0.33), no exact labels; scored on that image;
  outlined  `single`'s hints plus two objects they leave out outlined
          exactly (--exact on the same image); not run by default;
  few     exact labels on training image 1, rough hints on training images
          2..; scored on held-out images (the rest of --images);
  upper   the same network on exact labels of every training image (few's
          upper bound);
  naive   the same network on the hints taken as exact labels (every
          unpainted pixel background), in `single` and `few`;
  rf      the ilastik-style random forest (SHARED/rf_baseline.py) on the
          same hints as `single`, `outlined` (hints and outlines in one
          label map) and `few`.
Scores: macro Dice (mean over classes, background included), Dice of the
object classes, and object F1 at IoU 0.5 against the instance masks
(`maskgrow segment --instances`; connected components for the forest),
averaged over images and seeds.  Hints are simulated once
per image and seed (hints.py --seed), so every method sees the same hints.
Needs python3-numpy, -pil, -scipy, -skimage, -sklearn (Debian packages).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), r.stderr))
    return r.stdout


def scores(cli, pred, truth, inst_pred, inst_truth):
    j = json.loads(run([cli, "evaluate", "--pred", pred, "--truth", truth]))
    k = json.loads(run([cli, "evaluate", "--pred", inst_pred, "--truth",
                        inst_truth, "--instances"]))
    return j["macro_dice"], j["mean_foreground_dice"], k["object_f1"]


def components(labels_png, out_png):
    """Instances of a class map as connected components (8-connected)."""
    from scipy import ndimage as ndi
    lab = np.array(Image.open(labels_png))
    out = np.zeros(lab.shape, np.uint16)
    n = 0
    for c in np.unique(lab):
        if c == 0:
            continue
        comp, k = ndi.label(lab == c, structure=np.ones((3, 3)))
        out[comp > 0] = comp[comp > 0] + n
        n += k
    Image.fromarray(out).save(out_png)


class Protocols:
    def __init__(self, a, tmp):
        self.a, self.tmp = a, tmp
        self.hints_py = os.path.join(a.shared, "hints.py")
        self.rf_py = os.path.join(a.shared, "rf_baseline.py")

    def path(self, *parts):
        return os.path.join(self.tmp, "-".join(str(p) for p in parts))

    def hints(self, d, name, seed):
        out = self.path(os.path.basename(d), name, seed, "hints.png")
        if not os.path.exists(out):
            cmd = [sys.executable, self.hints_py, "partial",
                   os.path.join(d, "masks", name), out, "--objects", "0.33",
                   "--seed", str(seed)]
            inst = os.path.join(d, "masks_instances", name)
            if os.path.exists(inst):
                cmd += ["--instances", inst]
            run(cmd)
        return out

    def naive(self, hints):
        """The hints as exact labels: every unpainted pixel background."""
        out = hints[:-4] + "-naive.png"
        if not os.path.exists(out):
            h = np.array(Image.open(hints))
            h[h == 0] = 1
            Image.fromarray(h).save(out)
        return out

    def instances_truth(self, d, name):
        inst = os.path.join(d, "masks_instances", name)
        if os.path.exists(inst):
            return inst
        out = self.path(os.path.basename(d), name, "instances.png")
        if not os.path.exists(out):
            components(os.path.join(d, "masks", name), out)
        return out

    def exact(self, d, name):
        out = self.path(os.path.basename(d), name, "exact.png")
        if not os.path.exists(out):
            run([sys.executable, self.hints_py, "full",
                 os.path.join(d, "masks", name), out])
        return out

    def outlined(self, d, name, seed, hints):
        """Two objects the hints leave out (or any two, if they leave none
        out), chosen by the seed, as exact labels (class + 1, 0 elsewhere);
        and the hints with them painted in, for the forest."""
        out = self.path(os.path.basename(d), name, seed, "outlined.png")
        both = out[:-4] + "-with-hints.png"
        if not os.path.exists(out):
            inst = np.array(Image.open(self.instances_truth(d, name)))
            gt = np.array(Image.open(os.path.join(d, "masks", name)))
            inst = (inst[..., 0] if inst.ndim == 3 else inst).astype(np.int64)
            gt = gt[..., 0] if gt.ndim == 3 else gt
            h = np.array(Image.open(hints))
            ids = [i for i in np.unique(inst) if i != 0]
            free = [i for i in ids if not (h[inst == i] > 1).any()]
            ids = free or ids
            np.random.default_rng(seed * 1000 + 7).shuffle(ids)
            exact = np.zeros(gt.shape, np.uint8)
            for i in ids[:2]:
                exact[inst == i] = gt[inst == i] + 1
            Image.fromarray(exact).save(out)
            Image.fromarray(np.where(exact > 0, exact, h)).save(both)
        return out, both

    def maskgrow(self, train, tests, seed, tag):
        """train: [(image, flag, labels[, flag, labels])],
        tests: [(image, truth, inst)]."""
        model = self.path(tag, seed, "model.mgm")
        cmd = [self.a.cli, "train", "--model", model, "--quiet", "--seed",
               str(seed), "--seconds", "0", "--iterations",
               str(self.a.iterations)] + self.a.train_args.split()
        for image, *labels in train:
            cmd += ["--image", image] + labels
        run(cmd)
        out = []
        for image, truth, inst in tests:
            pred = self.path(tag, seed, os.path.basename(image))
            ids = pred[:-4] + "-instances.png"
            run([self.a.cli, "segment", "--model", model, "--image", image,
                 "--out", pred, "--instances", ids, "--quiet"]
                + self.a.segment_args.split())
            out.append(scores(self.a.cli, pred, truth, ids, inst))
        return out

    def rf(self, train, tests, seed, tag):
        cmd = [sys.executable, self.rf_py, "--seed", str(seed)]
        for image, _, labels, *_ in train:
            cmd += ["--train", image + ":" + labels]
        preds = []
        for image, truth, inst in tests:
            pred = self.path(tag, seed, "rf", os.path.basename(image))
            cmd += ["--predict", image + ":" + pred]
            preds.append((pred, truth, inst))
        run(cmd)
        out = []
        for p, t, inst in preds:
            components(p, p[:-4] + "-instances.png")
            out.append(scores(self.a.cli, p, t, p[:-4] + "-instances.png",
                              inst))
        return out

    def dataset(self, name):
        d = os.path.join(self.a.shared, "data", name)
        img = lambda n: os.path.join(d, "images", n)
        names = sorted(os.listdir(os.path.join(d, "images")))
        # a model is for one number of channels: keep the images of the
        # set's most common mode (DSB mixes grey and RGB)
        modes = {n: Image.open(img(n)).mode for n in names}
        common = max(set(modes.values()), key=list(modes.values()).count)
        names = [n for n in names if modes[n] == common][: self.a.images]
        truth = lambda n: os.path.join(d, "masks", n)
        test_of = lambda n: (img(n), truth(n), self.instances_truth(d, n))
        want = self.a.methods
        rows = {}

        def add(key, method, *args):
            proto, meth = key.split()
            if meth in want and proto in self.a.protocols:
                rows.setdefault(key, []).extend(method(*args))

        for seed in self.a.seeds:
            for n in names:  # single image
                h = self.hints(d, n, seed)
                case = [(img(n), "--hints", h)]
                test = [test_of(n)]
                add("single maskgrow", self.maskgrow, case, test, seed, name + n)
                add("single naive", self.maskgrow,
                    [(img(n), "--exact", self.naive(h))], test, seed,
                    name + n + "naive")
                add("single rf", self.rf, case, test, seed, name + n)
                if "outlined" in self.a.protocols:
                    exact, both = self.outlined(d, n, seed, h)
                    add("outlined maskgrow", self.maskgrow,
                        [(img(n), "--hints", h, "--exact", exact)], test,
                        seed, name + n + "outlined")
                    add("outlined rf", self.rf, [(img(n), "--hints", both)],
                        test, seed, name + n + "outlined")
            half = max(2, len(names) // 2)
            if len(names) <= half:
                continue  # `few` needs 2 training and 1 held-out image
            train_names, test_names = names[:half], names[half:]
            tests = [test_of(n) for n in test_names]
            first = [(img(train_names[0]), "--exact", self.exact(d, train_names[0]))]
            few = first + [(img(n), "--hints", self.hints(d, n, seed))
                           for n in train_names[1:]]
            naive = first + [(img(n), "--exact", self.naive(self.hints(d, n, seed)))
                             for n in train_names[1:]]
            upper = [(img(n), "--exact", self.exact(d, n)) for n in train_names]
            add("few maskgrow", self.maskgrow, few, tests, seed, name + "few")
            add("few naive", self.maskgrow, naive, tests, seed, name + "fewnaive")
            add("few upper", self.maskgrow, upper, tests, seed, name + "upper")
            add("few rf", self.rf, few, tests, seed, name + "few")
        return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--sets", default="hc18-fetal-head,dsb2018-nuclei-subset,miccai-nuclei")
    ap.add_argument("--images", type=int, default=4)
    ap.add_argument("--seeds", default="1")
    # about what the 30 s default budget trains on 2 cores (README)
    ap.add_argument("--iterations", type=int, default=500)
    ap.add_argument("--methods", default="maskgrow,naive,upper,rf")
    ap.add_argument("--protocols", default="single,few")
    ap.add_argument("--train-args", default="",
                    help="extra `maskgrow train` arguments, e.g. '--levels 3'")
    ap.add_argument("--segment-args", default="",
                    help="extra `maskgrow segment` arguments, e.g. '--views 1'")
    a = ap.parse_args()
    a.seeds = [int(s) for s in a.seeds.split(",")]
    a.methods = a.methods.split(",")
    a.protocols = a.protocols.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        p = Protocols(a, tmp)
        print("| set | protocol | method | macro Dice | object Dice | object F1 | n |")
        print("|---|---|---|---|---|---|---|")
        for name in a.sets.split(","):
            for key, vals in p.dataset(name).items():
                v = np.array(vals)
                proto, method = key.split()
                print("| %s | %s | %s | %.3f | %.3f | %.3f | %d |" % (
                    name, proto, method, v[:, 0].mean(), v[:, 1].mean(),
                    v[:, 2].mean(), len(v)))
                sys.stdout.flush()


if __name__ == "__main__":
    main()
