#!/usr/bin/env bash
# tests/gimp/test-palette.sh — resources/maskgrow.gpl and the plug-in's
# built-in table (plugin/palette.c) list the same names and colours in the
# same order.  TAP on stdout.   test-palette.sh SOURCE_ROOT
set -euo pipefail
root=$1

# "R G B<tab>Name" from the .gpl, skipping the header and comments.
gpl=$(awk 'NR > 1 && !/^(#|Name:|Columns:)/ && NF >= 4 {
             name = $4; for (i = 5; i <= NF; i++) name = name " " $i
             print $1, $2, $3, name }' "$root/resources/maskgrow.gpl")
# '{ N_("Name"), { R, G, B }, label },' lines of the table.
table=$(sed -n 's/^ *{ N_("\([^"]*\)"), *{ *\([0-9]*\), *\([0-9]*\), *\([0-9]*\) *}.*/\2 \3 \4 \1/p' \
          "$root/plugin/palette.c")

echo "1..1"
if [ -n "$gpl" ] && [ "$gpl" = "$table" ]; then
  echo "ok 1 - maskgrow.gpl matches plugin/palette.c ($(echo "$gpl" | wc -l) entries)"
else
  echo "not ok 1 - maskgrow.gpl matches plugin/palette.c"
  diff <(echo "$gpl") <(echo "$table") | sed -e 's/^/# /'
  exit 1
fi
