#!/usr/bin/env bash
# resources/take-screenshots.sh — the README tutorial's screenshots, taken
# from GIMP 3 (with its interface) on a virtual screen (Xvfb).
#
#   bash tests/debian13-root.sh bash resources/take-screenshots.sh BUILD
#
# (or natively where GIMP 3 and xvfb-run are installed).  BUILD is a meson
# build folder of this tree with the plug-in and tests (for
# tests/ui/mg-screenshot).  Writes resources/screenshots/{1-hints,
# 2-dialog,3-result}.png: the sample picture with its hints layer, the
# Segment dialog while it trains, and the label and instance layers.
# take-screenshots.py sets up each scene in GIMP and waits for its shot.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)
shot=$build/tests/ui/mg-screenshot
key=$build/tests/ui/mg-key
out=$src/resources/screenshots
for tool in gimp-3.0 xvfb-run; do
  command -v "$tool" > /dev/null || { echo "take-screenshots: needs $tool" >&2; exit 1; }
done
[ -x "$shot" ] && [ -x "$build/plugin/maskgrow" ] ||
  { echo "take-screenshots: build $build first (plug-in and tests)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/maskgrow-shots.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/private-gimp.sh"
private_gimp "$tmp" "$build/plugin/maskgrow"
export MG_SYNC=$tmp/sync MG_SAMPLES=$src/resources/samples
mkdir -p "$MG_SYNC" "$out"

cat > "$tmp/driver.sh" <<EOS
#!/usr/bin/env bash
# waits for GIMP's marker of a scene, lets the screen settle, shoots.
take ()
{
  local i=0
  while [ ! -e "$MG_SYNC/\$1" ]; do
    sleep 0.5; i=\$((i + 1))
    [ \$i -lt 600 ] || { echo "take-screenshots: no scene \$1" >&2; return 1; }
  done
  sleep \$2
  # the pointer to an empty corner: where Xvfb starts it (the middle) a
  # tooltip of the dialog would cover the shot
  [ ! -x "$key" ] || "$key" 1279 799 Shift_L
  "$shot" "$out/\$3" > /dev/null && echo "take-screenshots: $out/\$3" >&2
  touch "$MG_SYNC/\$1-done"
}
gimp-3.0 -d -f -s --no-splash --batch-interpreter=python-fu-eval -b - \
  < "$src/resources/take-screenshots.py" > "$tmp/gimp.log" 2>&1 &
pid=\$!
take hints 5 1-hints.png && take result 3 3-result.png &&
  take dialog 20 2-dialog.png
status=\$?
kill \$pid 2> /dev/null; sleep 1; kill -9 \$pid 2> /dev/null
pkill -f "$GIMP3_DIRECTORY" 2> /dev/null
[ \$status = 0 ] || sed -e 's/^/gimp: /' "$tmp/gimp.log" >&2
exit \$status
EOS
chmod +x "$tmp/driver.sh"
xvfb-run -a -s "-screen 0 1280x800x24" "$tmp/driver.sh"
