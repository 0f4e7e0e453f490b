#!/usr/bin/env bash
# tests/gimp/test-procedures.sh — all four procedures and every output
# kind in headless GIMP 3, with the returned pixels checked against ground
# truth.
#
#   test-procedures.sh PLUGIN CLI SOURCE_ROOT      (TAP on stdout)
#
# One Script-Fu v3 batch (gimp-console-3.0, private GIMP folder):
#  A. New Hints Layer: Hints + Exact labels layers, transparent, above the
#     image; the maskgrow palette exists (made by the plug-in: -d loads no
#     palettes); the foreground colour is Class 1.
#  B. Segment with every output at once (250 steps, seed 1, as
#     test-segment.sh): selection, class channels, layer mask, label
#     layer, instance layer, model file.  Each is exported as a 0/1 PNG
#     and scored with `maskgrow evaluate` against the truth: all come from
#     one model, so all must reach the Dice of test-segment.sh (0.75).
#     Also: new layers directly above the image layer, the image layer's
#     pixels unchanged, the object count near the truth's 27.
#  C. Apply Model with the saved file on the grey image (no RGB
#     conversion): probability channel and a grey label layer, Dice >=
#     0.75 again; Apply without a model is a clear error.
#  D. Refine Selection with the model Segment kept with the image: the
#     class-1 hint blobs (in 9 of the 27 nuclei) grow to their objects,
#     scored against nuclei-grey-hinted-truth.png (those nuclei only).
#  E. Refine with a quick model: 60 steps, scored like D (lower bar);
#     then with a 2 s budget and no step limit: the run ends only because
#     the budget stops training (Cancel via a time budget).
#  F. A layer mask asked for on a layer that has one: a clear error
#     before any training.
#  G. Train on all open images: hints with background only fail alone and
#     train with another open image's hints.
#  H. The hints layer inside a group, selected: the image layer is found
#     below the group.
#  I. Segment with levels 0 and smoothness 0 (the one-stage recipe on the
#     hints alone), otherwise as B: the selection must reach min_dice and
#     differ from B's (arguments that never reached training would score
#     B's Dice exactly).  It once had to score 0.01 below B as well,
#     measured 0.831 against 0.846 on an Intel machine; on an AMD one
#     (other OpenBLAS kernels, other rounding) the same code scored 0.8345
#     against B's 0.8278, and the CLI on this image at 250 steps gives
#     defaults - one-stage +0.024, -0.026, +0.018 for seeds 1-3
#     (2026-11-27): on one image and seed the gain is noise.  That the
#     defaults win is measured where it can be, over images and seeds
#     (tests/bench/protocols.py, README 'How it works', item 3).
#  J. Levels 2 with smoothness 0: the selection must reach min_dice and
#     differ from B's (training is deterministic, so a smoothness
#     argument that never reached training would score B's Dice exactly).
#     Measured: J 0.8454, B 0.8463 (Intel); 0.8286, 0.8278 (AMD).
# Undo is checked in tests/ui/test-undo.sh: the PDB has no call that
# undoes (GIMP 3.0.4), so that test presses Ctrl+Z in GIMP under Xvfb.
set -uo pipefail

plugin=$1
cli=$2
data=$3/tests/data
min_dice=0.75          # B, C: as test-segment.sh (same image, steps, seed)
# D: the same model; its instances merge touching nuclei (16 objects for
# 27), so whole merged objects come back with the 9 hinted nuclei:
# measured 0.64 against those nine alone.
min_refine_dice=0.55
# E: 60 steps from the blobs alone: measured 0.67 (with the image's
# model, D, 0.64: quick models learn just these nuclei).
min_quick_dice=0.45
iterations=250

console=$(command -v gimp-console-3.0 || true)
if [ -z "$console" ]; then
  echo "1..0 # SKIP gimp-console-3.0 not installed (Debian package gimp)"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/maskgrow-gimp-procs.XXXXXX")
[ -n "${MASKGROW_TEST_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../private-gimp.sh"
private_gimp "$tmp" "$plugin"
unset DISPLAY WAYLAND_DISPLAY

n=0
failed=0
ok ()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
show ()   { sed -e 's/^/# /' "$1"; }

batch="
(script-fu-use-v3)
(define (check ok what)
  (display (string-append (if ok \"maskgrow-test: ok \" \"maskgrow-test: FAILED \")
                          what))
  (newline))
; One write per line: the plug-in's own output to the same log can land
; between separate writes (seen once in CI: a line cut after the prefix).
(define (say . things)
  (let ((port (open-output-string)))
    (display \"maskgrow-test: \" port)
    (for-each (lambda (thing) (display thing port)) things)
    (newline port)
    (display (get-output-string port))))
; A drawable as a 0/1 grey PNG: composited on black, everything at or
; above threshold -> 1.
(define (export-binary drawable threshold path)
  (let* ((src   (gimp-item-get-image drawable))
         (out   (gimp-image-new (gimp-image-get-width src)
                                (gimp-image-get-height src) GRAY))
         (layer (gimp-layer-new-from-drawable drawable out)))
    (gimp-image-insert-layer out layer 0 0)
    (gimp-context-set-background \"black\")
    (gimp-layer-flatten layer)
    (gimp-drawable-threshold layer HISTOGRAM-VALUE threshold 1.0)
    ; 255 -> 1 (levels work in linear light: see test-segment.sh)
    (gimp-drawable-levels layer HISTOGRAM-VALUE 0.0 1.0 #t 1.0
                          0.0 (/ (/ 1.0 255.0) 12.92) #t)
    (gimp-file-save RUN-NONINTERACTIVE out path -1)
    (gimp-image-delete out)))
(define (load-rgb-with-hints)
  (let* ((img   (gimp-file-load RUN-NONINTERACTIVE \"$data/nuclei-grey.png\"))
         (base  (vector-ref (gimp-image-get-layers img) 0))
         (rgb   (gimp-image-convert-rgb img))
         (hints (gimp-file-load-layer RUN-NONINTERACTIVE img
                                      \"$data/nuclei-grey-hints-rgba.png\")))
    (gimp-item-set-name hints \"Hints\")
    (gimp-image-insert-layer img hints 0 0)
    (list img base hints)))
(define (select-blobs img hints)
  (gimp-context-set-sample-threshold 0.05)
  (gimp-image-select-color img CHANNEL-OP-REPLACE hints \"#e69f00\"))

; A. New Hints Layer
(let* ((img  (gimp-file-load RUN-NONINTERACTIVE \"$data/nuclei-grey.png\"))
       (base (vector-ref (gimp-image-get-layers img) 0)))
  (gimp-image-convert-rgb img)
  (let* ((r     (plug-in-maskgrow-new-hints #:run-mode RUN-NONINTERACTIVE
                   #:image img #:drawables (vector base) #:exact #t))
         (hints (car r))
         (exact (cadr r))
         (pal   (gimp-palette-get-by-name \"maskgrow labels\")))
    (check (and (equal? (gimp-item-get-name hints) \"Hints\")
                (equal? (gimp-item-get-name exact) \"Exact labels\")
                (= (gimp-image-get-item-position img hints) 0)
                (= (gimp-image-get-item-position img exact) 1)
                (= (gimp-image-get-item-position img base) 2))
           \"new-hints layers\")
    (check (= (car (gimp-drawable-histogram hints HISTOGRAM-ALPHA 0.0 1.0)) 0)
           \"new-hints transparent\")
    (check (and (not (= pal -1)) (= (gimp-palette-get-color-count pal) 10))
           \"new-hints palette\")
    (say \"foreground \" (gimp-context-get-foreground))
    (gimp-image-delete img)))

; B. Segment, every output
(let* ((in    (load-rgb-with-hints))
       (img   (car in)) (base (cadr in)) (hints (caddr in))
       (base-before (gimp-drawable-histogram base HISTOGRAM-VALUE 0.0 1.0))
       (selected-before (gimp-image-get-selected-layers img))
       (r     (plug-in-maskgrow-segment #:run-mode RUN-NONINTERACTIVE
                 #:image img #:drawables (vector base)
                 #:quality \"custom\" #:seconds 0 #:iterations $iterations
                 #:seed 1 #:selection \"replace\" #:channels \"mask\"
                 #:layer-mask #t #:label-layer #t #:instance-layer #t
                 #:model-file \"$tmp/model.mgm\"))
       (mask (car r)) (labels (cadr r)) (instances (caddr r))
       (objects (cadddr r)))
  (say \"objects \" objects)
  (check (equal? selected-before (gimp-image-get-selected-layers img))
         \"the selected layers stay selected\")
  (check (and (>= objects 14) (<= objects 40)) \"object count near 27\")
  (check (and (= (gimp-image-get-item-position img instances)
                 (- (gimp-image-get-item-position img base) 2))
              (= (gimp-image-get-item-position img labels)
                 (- (gimp-image-get-item-position img base) 1)))
         \"new layers above the image layer\")
  (export-binary (gimp-selection-save img) 0.5 \"$tmp/b-selection.png\")
  (gimp-selection-none img)
  (check (equal? base-before
                 (gimp-drawable-histogram base HISTOGRAM-VALUE 0.0 1.0))
         \"image layer pixels unchanged\")
  (export-binary mask 0.5 \"$tmp/b-channel.png\")
  (export-binary (gimp-layer-get-mask base) 0.5 \"$tmp/b-layer-mask.png\")
  (export-binary labels 0.1 \"$tmp/b-labels.png\")
  (export-binary instances 0.1 \"$tmp/b-instances.png\")

  ; D. Refine with the model Segment kept with the image
  (select-blobs img hints)
  (say \"refined objects \"
       (plug-in-maskgrow-refine #:run-mode RUN-NONINTERACTIVE #:image img
                                #:drawables (vector base)))
  (export-binary (gimp-selection-save img) 0.5 \"$tmp/d-refine.png\")

  ; F. a second layer mask
  (gimp-selection-none img)
  (say \"second mask \"
       (catch 'failed
         (plug-in-maskgrow-segment #:run-mode RUN-NONINTERACTIVE
           #:image img #:drawables (vector base) #:layer-mask #t)))
  (gimp-image-delete img))

; C. Apply Model on the grey image
(let* ((img  (gimp-file-load RUN-NONINTERACTIVE \"$data/nuclei-grey.png\"))
       (base (vector-ref (gimp-image-get-layers img) 0)))
  (say \"no model \"
       (catch 'failed
         (plug-in-maskgrow-apply #:run-mode RUN-NONINTERACTIVE
           #:image img #:drawables (vector base))))
  (let* ((r (plug-in-maskgrow-apply #:run-mode RUN-NONINTERACTIVE
              #:image img #:drawables (vector base)
              #:model-file \"$tmp/model.mgm\" #:selection \"none\"
              #:channels \"probability\" #:label-layer #t)))
    (check (gimp-selection-is-empty img) \"apply left the selection\")
    (export-binary (car r) 0.5 \"$tmp/c-probability.png\")
    (export-binary (cadr r) 0.1 \"$tmp/c-labels.png\"))
  (gimp-image-delete img))

; E. Refine with a quick model: 60 steps (deterministic), then with a
; 2 s budget and no step limit, which only the budget can end
(let* ((in  (load-rgb-with-hints))
       (img (car in)) (base (cadr in)) (hints (caddr in)))
  (select-blobs img hints)
  (say \"quick objects \"
       (plug-in-maskgrow-refine #:run-mode RUN-NONINTERACTIVE #:image img
          #:drawables (vector base) #:use-model #f #:quality \"custom\"
          #:seconds 0 #:iterations 60 #:seed 1))
  (export-binary (gimp-selection-save img) 0.5 \"$tmp/e-quick.png\")
  (select-blobs img hints)
  (say \"budget objects \"
       (plug-in-maskgrow-refine #:run-mode RUN-NONINTERACTIVE #:image img
          #:drawables (vector base) #:use-model #f #:quality \"custom\"
          #:seconds 2 #:iterations 0 #:seed 1))
  (gimp-image-delete img))
; G. Train on all open images: this image's hints have background only,
; which alone cannot train; the other open image's hints supply nuclei.
(let* ((other (car (load-rgb-with-hints)))
       (img   (gimp-file-load RUN-NONINTERACTIVE \"$data/nuclei-grey.png\"))
       (base  (vector-ref (gimp-image-get-layers img) 0)))
  (gimp-image-convert-rgb img)
  (let ((hints (gimp-layer-new img \"Hints\" 256 256 RGBA-IMAGE 100
                               LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer img hints 0 0)
    (gimp-drawable-fill hints FILL-TRANSPARENT)
    (gimp-context-set-foreground \"white\")
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 0 0 256 4)
    (gimp-drawable-edit-fill hints FILL-FOREGROUND)
    (gimp-selection-none img))
  (say \"alone \"
       (catch 'failed
         (plug-in-maskgrow-segment #:run-mode RUN-NONINTERACTIVE #:image img
           #:drawables (vector base) #:quality \"custom\" #:iterations 20)))
  (say \"all images \"
       (cadddr (plug-in-maskgrow-segment #:run-mode RUN-NONINTERACTIVE
                 #:image img #:drawables (vector base) #:all-images #t
                 #:quality \"custom\" #:seconds 0 #:iterations 20)))
  (gimp-image-delete other)
  (gimp-image-delete img))

; H. The hints layer inside a layer group, selected: the image is the
; visible layer below the group.
(let* ((in    (load-rgb-with-hints))
       (img   (car in)) (hints (caddr in))
       (group (gimp-group-layer-new img \"Paint\")))
  (gimp-image-insert-layer img group 0 0)
  (gimp-image-reorder-item img hints group 0)
  (say \"grouped hints \"
       (cadddr (plug-in-maskgrow-segment #:run-mode RUN-NONINTERACTIVE
                 #:image img #:drawables (vector hints)
                 #:quality \"custom\" #:seconds 0 #:iterations 5)))
  (gimp-image-delete img))

; I and J: Segment with other levels and smoothness, otherwise as B, the
; selection saved to PATH
(define (segment-levels what levels smoothness path)
  (let* ((in  (load-rgb-with-hints))
         (img (car in)) (base (cadr in)))
    (say what
         (cadddr (plug-in-maskgrow-segment #:run-mode RUN-NONINTERACTIVE
                   #:image img #:drawables (vector base)
                   #:quality \"custom\" #:seconds 0 #:iterations $iterations
                   #:seed 1 #:levels levels #:smoothness smoothness
                   #:selection \"replace\" #:channels \"none\")))
    (export-binary (gimp-selection-save img) 0.5 path)
    (gimp-image-delete img)))
(segment-levels \"one-stage objects \" 0 0.0 \"$tmp/i-one-stage.png\")
(segment-levels \"no smoothness objects \" 2 0.0 \"$tmp/j-no-smoothness.png\")
(say \"done\")
"

start=$SECONDS
timeout 900 "$console" -i -d -f --quit \
  --batch-interpreter=plug-in-script-fu-eval -b "$batch" \
  > "$tmp/gimp.log" 2>&1
status=$?
echo "# gimp-console exited with $status after $((SECONDS - start)) s"
grep 'maskgrow-test:' "$tmp/gimp.log" | sed -e 's/^/# /'

if [ "$status" = 0 ] && grep -q "maskgrow-test: done" "$tmp/gimp.log"; then
  ok "the batch ran to its end"
else
  not_ok "the batch ran to its end"
  show "$tmp/gimp.log"
fi

for what in "new-hints layers" "new-hints transparent" "new-hints palette" \
            "object count near 27" "new layers above the image layer" \
            "image layer pixels unchanged" "apply left the selection" \
            "the selected layers stay selected"; do
  if grep -q "maskgrow-test: ok $what" "$tmp/gimp.log"; then
    ok "$what"
  else
    not_ok "$what"
  fi
done

# Class 1's colour is (230, 159, 0).
if grep -q 'maskgrow-test: foreground (230 159 0 255)' "$tmp/gimp.log"; then
  ok "new-hints set the foreground to Class 1"
else
  not_ok "new-hints set the foreground to Class 1"
fi

if grep -q 'maskgrow-test: second mask .*failed' "$tmp/gimp.log" &&
   grep -q 'already has a layer mask' "$tmp/gimp.log"; then
  ok "a second layer mask is a clear error"
else
  not_ok "a second layer mask is a clear error"
fi
if grep -q 'maskgrow-test: no model .*failed' "$tmp/gimp.log" &&
   grep -q 'No model: choose a model file' "$tmp/gimp.log"; then
  ok "Apply without a model is a clear error"
else
  not_ok "Apply without a model is a clear error"
fi

if grep -q 'maskgrow-test: alone .*failed' "$tmp/gimp.log" &&
   grep -q 'maskgrow-test: all images [0-9]' "$tmp/gimp.log"; then
  ok "all open images: background-only hints train with another image's"
else
  not_ok "all open images: background-only hints train with another image's"
fi

if grep -q 'maskgrow-test: grouped hints [0-9]' "$tmp/gimp.log"; then
  ok "hints inside a layer group: the image layer below the group"
else
  not_ok "hints inside a layer group: the image layer below the group"
fi

# class_dice PNG TRUTH: class 1's Dice, or nothing
class_dice ()
{
  if [ -f "$1" ] &&
     "$cli" evaluate --pred "$1" --truth "$2" > "$tmp/eval.json" 2>&1; then
    sed -n 's/.*"dice": *\[[^,]*, *\([0-9.]*\).*/\1/p' "$tmp/eval.json"
  fi
}

# dice PNG TRUTH MIN WHAT
dice ()
{
  local d
  d=$(class_dice "$1" "$2")
  if [ -n "${d:-}" ] && awk -v d="$d" -v m="$3" 'BEGIN { exit !(d >= m) }'; then
    ok "$4: Dice $d >= $3"
  else
    not_ok "$4: Dice ${d:-?} >= $3"
    [ -f "$tmp/eval.json" ] && show "$tmp/eval.json"
  fi
}
truth=$data/nuclei-grey-truth.png
hinted=$data/nuclei-grey-hinted-truth.png
dice "$tmp/b-selection.png"   "$truth"  "$min_dice" "Segment: selection"
dice "$tmp/b-channel.png"     "$truth"  "$min_dice" "Segment: class channel"
dice "$tmp/b-layer-mask.png"  "$truth"  "$min_dice" "Segment: layer mask"
dice "$tmp/b-labels.png"      "$truth"  "$min_dice" "Segment: label layer"
dice "$tmp/b-instances.png"   "$truth"  "$min_dice" "Segment: instance layer"
dice "$tmp/c-probability.png" "$truth"  "$min_dice" "Apply: probability channel"
dice "$tmp/c-labels.png"      "$truth"  "$min_dice" "Apply: grey label layer"
dice "$tmp/d-refine.png"      "$hinted" "$min_refine_dice" "Refine with the image's model"
dice "$tmp/e-quick.png"       "$hinted" "$min_quick_dice" "Refine with a quick model (60 steps)"
if grep -q 'maskgrow-test: budget objects [0-9]' "$tmp/gimp.log"; then
  ok "Refine with a 2 s budget and no step limit ended"
else
  not_ok "Refine with a 2 s budget and no step limit ended"
fi

b=$(class_dice "$tmp/b-selection.png" "$truth")
dice "$tmp/i-one-stage.png" "$truth" "$min_dice" "Segment with levels 0 and smoothness 0"
i=$(class_dice "$tmp/i-one-stage.png" "$truth")
if [ -n "$b" ] && [ -n "$i" ] && [ "$b" != "$i" ]; then
  ok "levels reached training: Dice $i with 0, $b with the default 2"
else
  not_ok "levels reached training: Dice ${i:-?} with 0, ${b:-?} with the default 2"
fi
dice "$tmp/j-no-smoothness.png" "$truth" "$min_dice" "Segment with levels 2 and smoothness 0"
j=$(class_dice "$tmp/j-no-smoothness.png" "$truth")
if [ -n "$b" ] && [ -n "$j" ] && [ "$b" != "$j" ]; then
  ok "smoothness reached training: Dice $j without, $b with"
else
  not_ok "smoothness reached training: Dice ${j:-?} without, ${b:-?} with"
fi

echo "1..$n"
exit "$failed"
