#!/usr/bin/env bash
# The main job on bundled sample data (README, first command):
# builds the `maskgrow` command-line tool, trains on the sample image's
# rough hints, segments the image and scores the result against its ground
# truth.  Results go to out/sample/ (or $MASKGROW_OUT).
#
# Run as root on a fresh Debian 12 (or 13) machine: missing build packages
# are installed with apt-get.  As another user, install them first.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${MASKGROW_OUT:-$root/out/sample}
build=$root/build-sample
sample=$root/resources/samples

packages="meson ninja-build gcc pkg-config libopenblas-dev libpng-dev libtiff-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "run-sample: please install:$missing (or run this script as root)" >&2
    exit 1
  fi
  echo "run-sample: installing$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dplugin=disabled -Dui=disabled -Dtests=false >/dev/null
fi
meson compile -C "$build" >/dev/null
cli=$build/core/cli/maskgrow
mkdir -p "$out"

echo "== training on $sample/nuclei.png (DSB2018 nuclei, 696x520) with rough hints"
start=$(date +%s.%N)
"$cli" train --image "$sample/nuclei.png" --hints "$sample/nuclei-hints.png" \
  --model "$out/nuclei.mgm"
mid=$(date +%s.%N)
"$cli" segment --model "$out/nuclei.mgm" --image "$sample/nuclei.png" \
  --out "$out/nuclei-labels.png" --probabilities "$out/nuclei-probability.png"
end=$(date +%s.%N)
json=$("$cli" evaluate --pred "$out/nuclei-labels.png" --truth "$sample/nuclei-truth.png")
echo "== scores against the ground truth: $json"
printf '%s\n' "$json" | awk -v a="$start" -v b="$mid" -v c="$end" -v out="$out" '{
  match($0, /"dice": \[[0-9.]+, [0-9.]+\]/)
  split(substr($0, RSTART, RLENGTH), v, /[][, ]+/)
  printf "Dice (nucleus) = %s   train %.1f s, segment %.1f s\n", v[3], b - a, c - b
  printf "labels: %s/nuclei-labels.png (0 background, 1 nucleus)\n", out
  printf "probability: %s/nuclei-probability.png   model: %s/nuclei.mgm\n", out, out
}'
