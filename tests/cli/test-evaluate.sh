#!/usr/bin/env bash
# maskgrow evaluate on hand-made cases whose scores are worked out below.
#
# instances-truth.png (20x30, 16-bit): objects 1 (6x6 = 36 px), 2 (6x10 = 60
# px), 300 (36 px).  instances-pred.png: 7 = exactly object 1 (IoU 1);
# 5 = 24 px inside object 2 (IoU 24/60 = 0.4: no match); 9 = 36 px touching
# nothing.  So 3 predicted, 3 true, 1 matched:
#   precision = recall = 1/3, F1 = 2·1/(3+3) = 0.3333, mean matched IoU 1.
# Foreground overlap: pred 96 px, truth 132 px, both 60 px:
#   Dice = 2·60/(96+132) = 0.5263.
set -u
cli=$1
data=$2
echo "1..3"
json=$("$cli" evaluate --instances --pred "$data/instances-pred.png" --truth "$data/instances-truth.png")
echo "# $json"
field() { printf '%s' "$json" | sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
[ "$(field object_f1)" = "0.3333" ] && [ "$(field objects_matched)" = 1 ] && [ "$(field objects_pred)" = 3 ] && [ "$(field objects_truth)" = 3 ] \
  && echo "ok 1 object F1 1/3" || echo "not ok 1 object F1 1/3"
dice=$(printf '%s' "$json" | sed -n 's/.*"dice": \[[0-9.]*, \([0-9.]*\)\].*/\1/p')
[ "$dice" = "0.5263" ] && echo "ok 2 foreground Dice 0.5263" || echo "not ok 2 foreground Dice '$dice'"
# an instance image without --instances is refused, not scored as 300 classes
"$cli" evaluate --pred "$data/instances-pred.png" --truth "$data/instances-truth.png" \
  >/dev/null 2>&1 && echo "not ok 3 ids above 255 need --instances" \
  || echo "ok 3 ids above 255 need --instances"
