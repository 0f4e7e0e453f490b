#!/usr/bin/env bash
# tests/gimp/test-batch.sh — the batch examples in resources/ end to end.
#
#   test-batch.sh PLUGIN CLI SOURCE_ROOT      (TAP on stdout)
#
# Trains a model with the CLI (150 steps, seed 1, no time limit: the same
# model on every machine with the same thread count), puts nuclei-grey.png
# and a copy in an input folder, runs resources/batch-segment.scm (Script-Fu)
# and resources/batch-segment.py (Python-Fu) on it in headless GIMP, and
# scores every label PNG with `maskgrow evaluate` against the ground truth.
# A third check feeds maskgrow-label-image three hand-made class channels
# (rectangles) and compares the label image it builds with the same
# rectangles written without GIMP (a tiny PNG writer in Python), so several
# classes are checked too: every class's Dice must be exactly 1.
#
# Threshold: Dice of class 1 >= 0.7.  150 steps (2 threads) give 0.80 here
# with both scripts (the CLI test reaches 0.82-0.84 after 250 steps and
# uses 0.75); painting the hints themselves scores 0.20 and an all-nucleus
# answer 0.24, so 0.7 still needs most unpainted nuclei found, with a
# margin of 0.1 for other thread counts.
set -uo pipefail

plugin=$1
cli=$2
root=$3
data=$root/tests/data
min_dice=0.7

console=$(command -v gimp-console-3.0 || true)
if [ -z "$console" ]; then
  echo "1..0 # SKIP gimp-console-3.0 not installed (Debian package gimp)"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/maskgrow-batch-test.XXXXXX")
[ -n "${MASKGROW_TEST_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../private-gimp.sh"
private_gimp "$tmp" "$plugin"
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$tmp/in" "$tmp/out-scm" "$tmp/out-py" "$tmp/labels"
cp "$data/nuclei-grey.png" "$tmp/in/a.png"
cp "$data/nuclei-grey.png" "$tmp/in/b.png"

n=0
failed=0
ok ()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip ()   { n=$((n + 1)); echo "ok $n # SKIP $1"; }
show ()   { sed -e 's/^/# /' "$1"; }

# score OUT-FOLDER WHAT: one check, every label PNG scored.
score ()
{
  local out=$1 what=$2 name dice all="" good=1
  for name in a b; do
    dice=""
    if [ -f "$out/$name.png" ] &&
       "$cli" evaluate --pred "$out/$name.png" \
         --truth "$data/nuclei-grey-truth.png" > "$tmp/eval.json" 2>&1; then
      dice=$(sed -n 's/.*"dice": *\[[^,]*, *\([0-9.]*\).*/\1/p' "$tmp/eval.json")
    fi
    all="$all $name.png ${dice:-?}"
    [ -n "$dice" ] && awk -v d="$dice" -v m="$min_dice" 'BEGIN { exit !(d >= m) }' ||
      good=0
  done
  if [ "$good" = 1 ]; then
    ok "$what: class-1 Dice >= $min_dice:$all"
  else
    not_ok "$what: class-1 Dice >= $min_dice:$all"
  fi
}

echo "1..5"

start=$SECONDS
if "$cli" train --image "$data/nuclei-grey.png" --hints "$data/nuclei-grey-hints.png" \
     --model "$tmp/m.mgm" --iterations 150 --seconds 0 --seed 1 --threads 2 \
     --quiet > "$tmp/train.log" 2>&1; then
  ok "maskgrow train, 150 steps ($((SECONDS - start)) s)"
else
  not_ok "maskgrow train, 150 steps"
  show "$tmp/train.log"
fi

# Script-Fu, run from the source root as the README shows.
(cd "$root" && timeout 600 "$console" -i -d -f --quit \
   --batch-interpreter=plug-in-script-fu-eval \
   -b "(load \"resources/batch-segment.scm\")
       (maskgrow-batch \"$tmp/in\" \"$tmp/m.mgm\" \"$tmp/out-scm\")") \
  > "$tmp/scm.log" 2>&1
status=$?
echo "# Script-Fu batch exited with $status"
[ "$status" = 0 ] || show "$tmp/scm.log"
score "$tmp/out-scm" "Script-Fu batch-segment.scm"

# Python-Fu: parameters through the environment (the script reads stdin).
if ls -d /usr/lib/*/gimp/3.0/plug-ins/python-eval > /dev/null 2>&1; then
  MASKGROW_IN=$tmp/in MASKGROW_MODEL=$tmp/m.mgm MASKGROW_OUT=$tmp/out-py \
    timeout 600 "$console" -i -d -f --quit --batch-interpreter=python-fu-eval \
    -b - < "$root/resources/batch-segment.py" > "$tmp/py.log" 2>&1
  status=$?
  echo "# Python-Fu batch exited with $status"
  [ "$status" = 0 ] || show "$tmp/py.log"
  score "$tmp/out-py" "Python-Fu batch-segment.py"
else
  skip "Python-Fu batch-segment.py: python-eval plug-in not installed"
fi

# Several classes: three rectangles as class channels 1..3 (class 1 first,
# as plug-in-maskgrow-apply leaves them), one of them on an RGB image.
python3 - "$tmp/truth3.png" <<'PY'
import struct, sys, zlib
w, h = 64, 48
def label(x, y):
    if 4 <= x < 20 and 4 <= y < 20: return 1
    if 30 <= x < 60 and 10 <= y < 30: return 2
    if 10 <= x < 40 and 34 <= y < 44: return 3
    return 0
raw = b''.join(b'\0' + bytes(label(x, y) for x in range(w)) for y in range(h))
def chunk(kind, body):
    return (struct.pack('>I', len(body)) + kind + body +
            struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff))
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' +
    chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0)) +
    chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
PY
(cd "$root" && timeout 300 "$console" -i -d -f --quit \
   --batch-interpreter=plug-in-script-fu-eval \
   -b "(load \"resources/batch-segment.scm\")
       (let* ((img (gimp-image-new 64 48 RGB))
              (bg  (gimp-layer-new img \"bg\" 64 48 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
         (gimp-image-insert-layer img bg 0 0)
         (define (class-channel x y w h)
           (gimp-image-select-rectangle img CHANNEL-OP-REPLACE x y w h)
           (gimp-selection-save img))
         ; saved channels go on top: make class 3, 2, 1 so 1 ends first.
         (class-channel 10 34 30 10)
         (class-channel 30 10 30 20)
         (class-channel 4 4 16 16)
         (gimp-selection-none img)
         (let ((out (maskgrow-label-image img)))
           (gimp-file-save RUN-NONINTERACTIVE out \"$tmp/labels/three.png\" -1)))") \
  > "$tmp/three.log" 2>&1
if "$cli" evaluate --pred "$tmp/labels/three.png" --truth "$tmp/truth3.png" \
     > "$tmp/three.json" 2>&1 && show "$tmp/three.json" &&
   grep -q '"dice": *\[1\(\.0*\)\?, *1\(\.0*\)\?, *1\(\.0*\)\?, *1\(\.0*\)\?\]' "$tmp/three.json"; then
  ok "three class channels give labels 1, 2, 3 exactly"
else
  not_ok "three class channels give labels 1, 2, 3 exactly"
  show "$tmp/three.json"
  show "$tmp/three.log"
fi

if grep -q "maskgrow-batch: .*a.png -> " "$tmp/scm.log" &&
   grep -q "maskgrow-batch: .*b.png -> " "$tmp/scm.log"; then
  ok "Script-Fu batch reported both images"
else
  not_ok "Script-Fu batch reported both images"
fi

exit "$failed"
