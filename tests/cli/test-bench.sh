#!/usr/bin/env bash
# maskgrow bench --quick --json runs and reports every figure of issue 6
# with a sane value.  Times are not judged here (benchmarks, not timed
# tests); what is checked: the JSON line has every key, every time and
# rate is positive, the 16-megapixel segmentation stayed under 1.5 GB, and
# the end-to-end run (150 training steps in quick mode, deterministic) found
# the discs of its scene (object Dice >= 0.7).
set -u
cli=$1   # $2, the test data folder every CLI test gets, is not needed
echo "1..4"
out=$("$cli" bench --quick --json --threads 2 2>&1)
rc=$?
json=$(printf '%s\n' "$out" | tail -n 1)
echo "# $json"
[ $rc -eq 0 ] && echo "ok 1 bench exits 0" || echo "not ok 1 bench exit $rc: $out"
field() { printf '%s' "$json" | sed -n "s/.*\"$1\": \([0-9.e+-]*\).*/\1/p"; }
missing=""
for k in train_step_gray_s train_step_rgb_s train_step_96_s train_step_96_busy_s \
         gflops sgemm_gflops gflops_ratio \
         infer_1mp_s infer_1mp_peak_mb infer_16mp_s infer_16mp_peak_mb \
         first_preview_s usable_1mp_s end_to_end_1mp_s end_to_end_1mp_dice; do
  v=$(field $k)
  awk -v v="$v" 'BEGIN { exit !(v != "" && v + 0 > 0) }' || missing="$missing $k=$v"
done
[ -z "$missing" ] && echo "ok 2 every figure present and positive" \
  || echo "not ok 2 missing or not positive:$missing"
awk -v v="$(field infer_16mp_peak_mb)" 'BEGIN { exit !(v + 0 < 1536) }' \
  && echo "ok 3 16-megapixel segmentation under 1.5 GB" \
  || echo "not ok 3 16-megapixel peak $(field infer_16mp_peak_mb) MB"
awk -v v="$(field end_to_end_1mp_dice)" 'BEGIN { exit !(v + 0 >= 0.7) }' \
  && echo "ok 4 end-to-end object Dice >= 0.7" \
  || echo "not ok 4 end-to-end object Dice $(field end_to_end_1mp_dice)"
