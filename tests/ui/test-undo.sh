#!/usr/bin/env bash
# tests/ui/test-undo.sh — one Ctrl+Z undoes a whole Segment run exactly.
#
#   test-undo.sh PLUGIN KEY-TOOL SOURCE_ROOT      (TAP on stdout)
#
# The PDB has no call that undoes, so this runs GIMP 3 with its interface
# on a virtual screen (Xvfb): test-undo.py segments the test image with
# every output (selection, channels, layer mask, label and instance
# layers), then this script presses Ctrl+Z over the canvas (tests/ui/key.c,
# XTest) and test-undo.py compares the image with its state before the
# run: layer names, order, offsets and pixels, layer masks, channels and
# the selection.
set -uo pipefail

plugin=$1
key=$2
src=$3

gimp=$(command -v gimp-3.0 || true)
xvfb=$(command -v xvfb-run || true)
if [ -z "$gimp" ] || [ -z "$xvfb" ]; then
  echo "1..0 # SKIP gimp-3.0 or xvfb-run not installed"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/maskgrow-undo-test.XXXXXX")
[ -n "${MASKGROW_TEST_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../private-gimp.sh"
private_gimp "$tmp" "$plugin"
export MG_SYNC=$tmp/sync MG_DATA=$src/tests/data
mkdir -p "$MG_SYNC"

cat > "$tmp/run.sh" <<EOS
#!/bin/sh
"$gimp" -d -f -s --no-splash --batch-interpreter=python-fu-eval -b - \
  < "$src/tests/ui/test-undo.py" > "$tmp/gimp.log" 2>&1 &
pid=\$!
i=0
while [ ! -e "$MG_SYNC/segmented" ] && [ \$i -lt 300 ]; do
  sleep 0.5; i=\$((i + 1))
done
sleep 2
# Over the canvas of GIMP's window (it opens at the top left).
"$key" 560 340 z Control_L
touch "$MG_SYNC/undone"
i=0
while [ ! -e "$MG_SYNC/checked" ] && [ \$i -lt 60 ]; do
  sleep 0.5; i=\$((i + 1))
done
kill \$pid 2> /dev/null; sleep 1; kill -9 \$pid 2> /dev/null
pkill -f "$GIMP3_DIRECTORY" 2> /dev/null
true
EOS
chmod +x "$tmp/run.sh"

echo "1..2"
timeout 300 "$xvfb" -a -s "-screen 0 1280x800x24" "$tmp/run.sh"
grep '^maskgrow-test:' "$tmp/gimp.log" | sed -e 's/^/# /'
if grep -q '^maskgrow-test: segment .*SUCCESS' "$tmp/gimp.log" &&
   grep -q '^maskgrow-test: changed True' "$tmp/gimp.log"; then
  echo "ok 1 - Segment changed the image (outputs added)"
else
  echo "not ok 1 - Segment changed the image (outputs added)"
  sed -e 's/^/# /' "$tmp/gimp.log" | tail -30
fi
if grep -q '^maskgrow-test: restored True' "$tmp/gimp.log"; then
  echo "ok 2 - one Ctrl+Z restores the image exactly"
else
  echo "not ok 2 - one Ctrl+Z restores the image exactly"
  exit 1
fi
