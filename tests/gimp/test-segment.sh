#!/usr/bin/env bash
# tests/gimp/test-segment.sh — the plug-in end to end in headless GIMP 3.
#
#   test-segment.sh PLUGIN CLI SOURCE_ROOT      (TAP on stdout)
#
# Installs the built plug-in into a temporary GIMP user folder, then runs
# gimp-console-3.0 with a Script-Fu v3 batch that loads the grey test image,
# converts it to RGB (colour hints need it), adds the colour hints as a layer
# named "Hints", calls plug-in-maskgrow-segment with named arguments, checks
# that the user's layers are unchanged and the selection is not empty, and
# exports the returned channel as a 0/1 label PNG.  `maskgrow evaluate`
# then compares it with the ground truth: Dice of class 1 must be >= 0.75,
# the CLI test's threshold for the same image, hints and training (see its
# justification there).  A second batch checks the messages for a missing
# hints layer, empty hints and a colour that is not in the palette (on an
# offset hints layer: the pixel must be named in image coordinates).
set -uo pipefail

plugin=$1
cli=$2
data=$3/tests/data
min_dice=0.75
# As the CLI test (tests/cli/test-train-segment.sh): 250 steps, seed 1, no
# time limit, so the result does not depend on the machine's speed (it
# does on GIMP's thread count, the number of cores: 2 on CI).
iterations=250

console=$(command -v gimp-console-3.0 || true)
if [ -z "$console" ]; then
  echo "1..0 # SKIP gimp-console-3.0 not installed (Debian package gimp)"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/maskgrow-gimp-test.XXXXXX")
# MASKGROW_TEST_KEEP=1 keeps the folder (GIMP log, exported mask).
[ -n "${MASKGROW_TEST_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
# GIMP and GLib write settings and caches there: keep them private.
. "$(dirname "${BASH_SOURCE[0]}")/../private-gimp.sh"
private_gimp "$tmp" "$plugin"
unset DISPLAY WAYLAND_DISPLAY

n=0
failed=0
ok ()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
show ()   { sed -e 's/^/# /' "$1"; }

echo "1..5"

# Script-Fu: (check ...) prints a marker line; a failed check raises an
# error, which makes gimp-console exit non-zero (--quit: 70).
batch="
(script-fu-use-v3)
(define (check ok what)
  (if ok
      (begin (display (string-append \"maskgrow-test: ok \" what)) (newline))
      (error (string-append \"maskgrow-test: FAILED \" what))))
(let* ((img   (gimp-file-load RUN-NONINTERACTIVE \"$data/nuclei-grey.png\"))
       (base  (vector-ref (gimp-image-get-layers img) 0))
       (rgb   (gimp-image-convert-rgb img))
       (hints (gimp-file-load-layer RUN-NONINTERACTIVE img
                                    \"$data/nuclei-grey-hints-rgba.png\")))
  (gimp-item-set-name hints \"Hints\")
  (gimp-image-insert-layer img hints 0 0)
  (let* ((base-before  (gimp-drawable-histogram base HISTOGRAM-VALUE 0.0 1.0))
         (hints-before (gimp-drawable-histogram hints HISTOGRAM-VALUE 0.0 1.0))
         (alpha-before (gimp-drawable-histogram hints HISTOGRAM-ALPHA 0.0 1.0))
         (mask (car (plug-in-maskgrow-segment #:run-mode RUN-NONINTERACTIVE
                 #:image img #:drawables (vector base)
                 #:quality \"custom\" #:seconds 0 #:iterations $iterations #:seed 1))))
    ; Histograms count selected pixels only: check the selection first.
    (check (not (gimp-selection-is-empty img)) \"selection not empty\")
    (check (= (vector-length (gimp-image-get-channels img)) 1) \"one channel added\")
    (gimp-selection-none img)
    (check (equal? base-before
                   (gimp-drawable-histogram base HISTOGRAM-VALUE 0.0 1.0))
           \"image layer unchanged\")
    (check (and (equal? hints-before
                        (gimp-drawable-histogram hints HISTOGRAM-VALUE 0.0 1.0))
                (equal? alpha-before
                        (gimp-drawable-histogram hints HISTOGRAM-ALPHA 0.0 1.0)))
           \"hints layer unchanged\")
    (check (= (vector-length (gimp-image-get-layers img)) 2) \"no layer added\")
    (let* ((out   (gimp-image-new (gimp-image-get-width img)
                                  (gimp-image-get-height img) GRAY))
           (layer (gimp-layer-new-from-drawable mask out)))
      (gimp-image-insert-layer out layer 0 0)
      (gimp-layer-flatten layer)                ; no alpha: 1 channel
      ; 255 -> 1, the label PNG that maskgrow evaluate reads.  Levels works
      ; in linear light and the image stores sRGB-encoded 8 bit: encoded
      ; 1/255 is linear (1/255)/12.92 (the sRGB curve is linear down there).
      (gimp-drawable-levels layer HISTOGRAM-VALUE 0.0 1.0 #t 1.0
                            0.0 (/ (/ 1.0 255.0) 12.92) #t)
      (gimp-file-save RUN-NONINTERACTIVE out \"$tmp/mask.png\" -1)
      (gimp-image-delete out)
      (gimp-image-delete img)
      (display \"maskgrow-test: ok exported\") (newline))))
"

start=$SECONDS
timeout 600 "$console" -i -d -f --quit \
  --batch-interpreter=plug-in-script-fu-eval -b "$batch" \
  > "$tmp/gimp.log" 2>&1
status=$?
elapsed=$((SECONDS - start))
echo "# gimp-console exited with $status after $elapsed s"

if [ "$status" = 0 ] && grep -q "maskgrow-test: ok exported" "$tmp/gimp.log"; then
  ok "plug-in ran from Script-Fu and its channel was exported"
else
  not_ok "plug-in ran from Script-Fu and its channel was exported"
  show "$tmp/gimp.log"
fi

if grep -q "maskgrow-test: ok image layer unchanged" "$tmp/gimp.log" &&
   grep -q "maskgrow-test: ok hints layer unchanged" "$tmp/gimp.log" &&
   grep -q "maskgrow-test: ok no layer added" "$tmp/gimp.log"; then
  ok "the user's layers are unchanged"
else
  not_ok "the user's layers are unchanged"
fi

if grep -q "maskgrow-test: ok selection not empty" "$tmp/gimp.log" &&
   grep -q "maskgrow-test: ok one channel added" "$tmp/gimp.log"; then
  ok "one channel added and the selection is not empty"
else
  not_ok "one channel added and the selection is not empty"
fi

# Error paths, each caught in Script-Fu; GIMP logs the plug-in's message.
errors="
(script-fu-use-v3)
(let* ((img  (gimp-file-load RUN-NONINTERACTIVE \"$data/nuclei-grey.png\"))
       (base (vector-ref (gimp-image-get-layers img) 0)))
  (define (segment drawable)
    (catch 'failed
      (plug-in-maskgrow-segment #:run-mode RUN-NONINTERACTIVE #:image img
                                #:drawables (vector drawable) #:quality \"custom\" #:seconds 1)))
  (display (list 'no-hints (segment base))) (newline)
  (gimp-image-convert-rgb img)
  ; A hints layer smaller than the image and offset: pixels are named in
  ; image coordinates.
  (let ((hints (gimp-layer-new img \"Hints\" 200 200 RGBA-IMAGE 100
                               LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer img hints 0 0)
    (gimp-layer-set-offsets hints 5 7)
    (display (list 'empty (segment base))) (newline)
    (gimp-context-set-foreground \"#ff0000\")
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 10 20 5 5)
    (gimp-drawable-edit-fill hints FILL-FOREGROUND)
    (gimp-selection-none img)
    ; With the hints layer selected, the image is the layer below it.
    (display (list 'red (segment hints))) (newline)
    (gimp-image-delete img)))
"
timeout 300 "$console" -i -d -f --quit \
  --batch-interpreter=plug-in-script-fu-eval -b "$errors" \
  > "$tmp/errors.log" 2>&1
if grep -q 'No hints layer' "$tmp/errors.log" &&
   grep -q 'The hints layer “Hints” is empty' "$tmp/errors.log" &&
   grep -q 'The layer “Hints” has the colour #FF0000 at image pixel (10, 20)' "$tmp/errors.log" &&
   grep -q '(red failed)' "$tmp/errors.log"; then
  ok "clear errors: no hints layer, empty hints, colour not in the palette"
else
  not_ok "clear errors: no hints layer, empty hints, colour not in the palette"
  show "$tmp/errors.log"
fi

# {"classes": 2, "dice": [0.98, 0.87], ...}: the second entry is class 1.
if [ -f "$tmp/mask.png" ] &&
   "$cli" evaluate --pred "$tmp/mask.png" --truth "$data/nuclei-grey-truth.png" \
     > "$tmp/eval.json" 2> "$tmp/eval.err"; then
  show "$tmp/eval.json"
  dice=$(sed -n 's/.*"dice": *\[[^,]*, *\([0-9.]*\).*/\1/p' "$tmp/eval.json")
  if [ -n "$dice" ] && awk -v d="$dice" -v m="$min_dice" 'BEGIN { exit !(d >= m) }'; then
    ok "Dice of class 1 = $dice >= $min_dice"
  else
    not_ok "Dice of class 1 = ${dice:-?} >= $min_dice"
  fi
else
  not_ok "maskgrow evaluate on the exported channel"
  [ -f "$tmp/eval.err" ] && show "$tmp/eval.err"
fi

exit "$failed"
