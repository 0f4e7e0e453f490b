#!/usr/bin/env bash
# tests/ui/test-dialog.sh — the Segment dialog in GIMP 3 under Xvfb.
#
#   test-dialog.sh PLUGIN SCREENSHOT-TOOL SOURCE_ROOT OUT.png   (TAP)
#
# Starts GIMP 3 (with its user interface) on a virtual screen, opens the
# test image with its hints (the hints layer hidden, so no orange is on
# the canvas), runs Segment interactively — the dialog opens and starts
# training — and takes screenshots every 2 s.  The preview overlays class
# 1 in orange: the test passes when a screenshot has more than
# MIN_OVERLAY orange pixels (the image's 27 nuclei at preview size are
# thousands), and keeps that screenshot as OUT.png.  Nothing else on the
# screen is orange: the first screenshot, before the preview, is the
# reference.
set -uo pipefail

plugin=$1
shot=$2
data=$3/tests/data
out=$4
MIN_OVERLAY=1500
MAX_OVERLAY=30000

gimp=$(command -v gimp-3.0 || true)
xvfb=$(command -v xvfb-run || true)
if [ -z "$gimp" ] || [ -z "$xvfb" ]; then
  echo "1..0 # SKIP gimp-3.0 or xvfb-run not installed"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/maskgrow-ui-test.XXXXXX")
[ -n "${MASKGROW_TEST_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../private-gimp.sh"
private_gimp "$tmp" "$plugin"

batch="
(script-fu-use-v3)
(let* ((img   (gimp-file-load RUN-NONINTERACTIVE \"$data/nuclei-grey.png\"))
       (base  (vector-ref (gimp-image-get-layers img) 0))
       (rgb   (gimp-image-convert-rgb img))
       (hints (gimp-file-load-layer RUN-NONINTERACTIVE img
                                    \"$data/nuclei-grey-hints-rgba.png\")))
  (gimp-item-set-name hints \"Hints\")
  (gimp-image-insert-layer img hints 0 0)
  (gimp-item-set-visible hints #f)
  (gimp-display-new img)
  (plug-in-maskgrow-segment #:run-mode RUN-INTERACTIVE #:image img
    #:drawables (vector base) #:quality \"custom\" #:seconds 60
    #:iterations 0))
"

cat > "$tmp/run.sh" <<EOS
#!/bin/sh
"$gimp" -d -f -s --no-splash --batch-interpreter=plug-in-script-fu-eval \
  -b '$(printf '%s' "$batch" | sed "s/'/'\\\\''/g")' > "$tmp/gimp.log" 2>&1 &
pid=\$!
best=0
i=0
while [ \$i -lt 45 ]; do
  sleep 2
  i=\$((i + 1))
  n=\$("$shot" "$tmp/shot.png" | sed -n 's/^overlay //p')
  echo "# screenshot \$i: \${n:-?} overlay pixels"
  [ \$i = 1 ] && echo "reference \${n:-0}" > "$tmp/reference"
  if [ "\${n:-0}" -ge $MIN_OVERLAY ] && [ "\${n:-0}" -le $MAX_OVERLAY ]; then
    best=\$n
    cp "$tmp/shot.png" "$tmp/best.png"
    break
  fi
done
echo "best \$best" > "$tmp/best"
kill \$pid 2> /dev/null
sleep 1
pkill -f "$GIMP3_DIRECTORY" 2> /dev/null
kill -9 \$pid 2> /dev/null
true
EOS
chmod +x "$tmp/run.sh"

echo "1..2"
timeout 200 "$xvfb" -a -s "-screen 0 1400x1000x24" "$tmp/run.sh"
best=$(sed -n 's/^best //p' "$tmp/best" 2> /dev/null)
reference=$(sed -n 's/^reference //p' "$tmp/reference" 2> /dev/null)
echo "# reference (first screenshot) ${reference:-?}, best ${best:-?}"
if [ -n "${reference:-}" ] && [ "$reference" -lt "$MIN_OVERLAY" ]; then
  echo "ok 1 - before the preview, the screen has < $MIN_OVERLAY orange pixels ($reference)"
else
  echo "not ok 1 - before the preview, the screen has < $MIN_OVERLAY orange pixels (${reference:-?})"
  sed -e 's/^/# /' "$tmp/gimp.log" | tail -30
fi
if [ -n "${best:-}" ] && [ "$best" -ge "$MIN_OVERLAY" ] &&
   [ "$best" -le "$MAX_OVERLAY" ]; then
  cp "$tmp/best.png" "$out"
  echo "ok 2 - the dialog's preview shows a mask ($best orange pixels, in $MIN_OVERLAY..$MAX_OVERLAY; $out)"
else
  echo "not ok 2 - the dialog's preview shows a mask (${best:-?} orange pixels)"
  sed -e 's/^/# /' "$tmp/gimp.log" | tail -30
  exit 1
fi
