#!/usr/bin/env bash
# maskgrow train + segment + evaluate on a real image with simulated hints.
#
# nuclei-grey.png: DSB2018 fluorescence nuclei (CC0), 256x256, 27 nuclei;
# nuclei-grey-hints.png: ../shared/hints.py partial, rough blobs inside a
# third of the nuclei and six background strokes (tests/data/SOURCE.md).
#
# Threshold: Dice of the nucleus class >= 0.75.  With 250 steps (seed 1)
# we measure 0.82-0.84; painting the hints themselves as the result gives
# Dice 0.20 (blobs in a third of the nuclei), and an all-background or
# all-nucleus answer gives 0 or 0.24, so 0.75 can only
# be reached by finding the unpainted nuclei and most of their area.
set -u
cli=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..5"

"$cli" train --image "$data/nuclei-grey.png" --hints "$data/nuclei-grey-hints.png" \
  --model "$tmp/m.mgm" --iterations 250 --seconds 0 --seed 1 --threads 2 --quiet \
  && echo "ok 1 train" || echo "not ok 1 train"

"$cli" segment --model "$tmp/m.mgm" --image "$data/nuclei-grey.png" \
  --out "$tmp/labels.png" --probabilities "$tmp/prob.png" --quiet \
  && [ -s "$tmp/labels.png" ] && [ -s "$tmp/prob.png" ] \
  && echo "ok 2 segment" || echo "not ok 2 segment"

json=$("$cli" evaluate --pred "$tmp/labels.png" --truth "$data/nuclei-grey-truth.png")
echo "# $json"
dice=$(printf '%s' "$json" | sed -n 's/.*"dice": \[[0-9.]*, \([0-9.]*\)\].*/\1/p')
awk -v d="$dice" 'BEGIN { exit !(d != "" && d >= 0.75) }' \
  && echo "ok 3 nucleus Dice $dice >= 0.75" || echo "not ok 3 nucleus Dice '$dice' >= 0.75"


# the same picture as 16-bit PNG and as LZW TIFF gives the same labels
# (values scale to the same 0..1 floats: v * 257 / 65535 = v / 255)
for i in 4 5; do
  [ $i = 4 ] && other=nuclei-grey-16bit.png || other=nuclei-grey.tif
  "$cli" segment --model "$tmp/m.mgm" --image "$data/$other" --out "$tmp/other.png" --quiet
  same=$("$cli" evaluate --pred "$tmp/other.png" --truth "$tmp/labels.png" \
         | sed -n 's/.*"mean_foreground_dice": \([0-9.]*\).*/\1/p')
  awk -v d="$same" 'BEGIN { exit !(d != "" && d >= 0.999) }' \
    && echo "ok $i $other segments like the 8-bit PNG (Dice $same)" \
    || echo "not ok $i $other segments like the 8-bit PNG (Dice '$same')"
done
