#!/usr/bin/env bash
# Bad input gives one clear line "maskgrow: error: ..." and a non-zero exit
# (1, or 2 for usage), never a crash (exit >= 128) or a silent success.
set -u
cli=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
echo "1..16"

# expect NAME WANTED-TEXT COMMAND...: non-zero exit below 128, one stderr
# line starting "maskgrow: error:" that contains WANTED-TEXT
expect() {
  local name=$1 want=$2
  shift 2
  n=$((n + 1))
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$? lines
  lines=$(wc -l <"$tmp/err")
  if [ $rc -ne 0 ] && [ $rc -lt 128 ] && [ "$lines" -eq 1 ] \
     && grep -q '^maskgrow: error: ' "$tmp/err" && grep -qF -- "$want" "$tmp/err"; then
    echo "ok $n $name"
  else
    echo "not ok $n $name (exit $rc, $lines lines)"
    sed 's/^/# /' "$tmp/err"
  fi
}

img=$data/nuclei-grey.png
hints=$data/nuclei-grey-hints.png
expect "hints of another size" "must match" \
  "$cli" train --image "$img" --hints "$data/hints-64x64.png" --model "$tmp/x.mgm"
expect "empty hints" "empty" \
  "$cli" train --image "$img" --hints "$data/empty-hints.png" --model "$tmp/x.mgm"
expect "missing image" "cannot open" \
  "$cli" train --image "$tmp/nothing.png" --hints "$hints" --model "$tmp/x.mgm"
printf 'not an image' >"$tmp/fake.png"
expect "not a PNG" "not a PNG" \
  "$cli" train --image "$tmp/fake.png" --hints "$hints" --model "$tmp/x.mgm"
expect "colour image as hints" "8-bit single-channel" \
  "$cli" train --image "$img" --hints "$data/nuclei-rgb.png" --model "$tmp/x.mgm"
expect "unknown option" "unknown option" "$cli" train --imag "$img"
expect "bad number" "--seconds" \
  "$cli" train --image "$img" --hints "$hints" --model "$tmp/x.mgm" --seconds ten

# a model trained on RGB applied to a grey image
"$cli" train --image "$data/nuclei-rgb.png" --hints "$hints" --model "$tmp/rgb.mgm" \
  --iterations 2 --seconds 0 --quiet
expect "3-channel model on grey image" "3-channel" \
  "$cli" segment --model "$tmp/rgb.mgm" --image "$img" --out "$tmp/l.png"
head -c 1000 "$tmp/rgb.mgm" >"$tmp/cut.mgm"
expect "truncated model" "truncated" \
  "$cli" segment --model "$tmp/cut.mgm" --image "$img" --out "$tmp/l.png"
expect "image as model" "not a maskgrow model" \
  "$cli" segment --model "$img" --image "$img" --out "$tmp/l.png"
# unwritable outputs are refused before the work: no progress lines (the
# one stderr line expect wants), and train does not run its 60 s
expect "unwritable labels" "cannot write" \
  "$cli" segment --model "$tmp/rgb.mgm" --image "$data/nuclei-rgb.png" --out /nonexistent/dir/l.png
expect "unwritable instances" "cannot write" \
  "$cli" segment --model "$tmp/rgb.mgm" --image "$data/nuclei-rgb.png" --out "$tmp/l.png" \
  --instances "$tmp/nothing/ids.png"
expect "unwritable model" "cannot write" \
  timeout 30 "$cli" train --image "$img" --hints "$hints" --model /nonexistent/m.mgm --seconds 60
expect "three views" "1, 2 or 4" \
  "$cli" segment --model "$tmp/rgb.mgm" --image "$data/nuclei-rgb.png" --out "$tmp/l.png" --views 3
expect "eight views" "--views" \
  "$cli" segment --model "$tmp/rgb.mgm" --image "$data/nuclei-rgb.png" --out "$tmp/l.png" --views 8

# an RGBA image goes to an RGB model (alpha carries no image content)
n=$((n + 1))
"$cli" segment --model "$tmp/rgb.mgm" --image "$data/nuclei-rgba.png" --out "$tmp/rgba.png" --quiet \
  && [ -s "$tmp/rgba.png" ] && echo "ok $n RGBA image with an RGB model" \
  || echo "not ok $n RGBA image with an RGB model"
