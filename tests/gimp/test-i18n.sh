#!/usr/bin/env bash
# tests/gimp/test-i18n.sh — the plug-in speaks German and French in GIMP 3.
#
#   test-i18n.sh PLUGIN PO_BUILD_DIR SOURCE_ROOT      (TAP on stdout)
#
# Installs the built plug-in with the built catalogues
# (PO_BUILD_DIR/<ll>/LC_MESSAGES/maskgrow.mo → <plug-in folder>/locale, as
# meson install does) into a private GIMP user folder and asks GIMP,
# through Python-Fu, for the menu label and blurb of
# plug-in-maskgrow-segment (GimpProcedure.get_menu_label: Script-Fu has no
# binding for the internal gimp-pdb-get-proc-menu-label) and for the error
# it returns on an image without a hints layer.  Every check compares with
# the translated text, so it fails when the catalogues are missing or not
# found.
#
# Locales: glibc ignores LANGUAGE when the locale is C or C.UTF-8, and the
# test root has no other (no 'locales' package).  A copy of the compiled
# C.UTF-8 locale under another name, found through LOCPATH, is a non-C
# locale: then the locale name (de_DE.UTF-8) or LANGUAGE picks the
# catalogue, as for a user with a German desktop.  French is set with
# GIMP's own language preference, (language "fr") in gimprc, which GIMP
# passes on to its plug-ins through LANGUAGE.
set -uo pipefail

plugin=$1
po=$2
data=$3/tests/data

console=$(command -v gimp-console-3.0 || true)
if [ -z "$console" ]; then
  echo "1..0 # SKIP gimp-console-3.0 not installed (Debian package gimp)"
  exit 0
fi
if ! ls -d /usr/lib/*/gimp/3.0/plug-ins/python-eval > /dev/null 2>&1; then
  echo "1..0 # SKIP Python-Fu (python-eval) not installed: the menu label is read through it"
  exit 0
fi
c_utf8=$(ls -d /usr/lib/locale/C.utf8 /usr/lib/locale/C.UTF-8 2> /dev/null | head -n 1)
if [ -z "$c_utf8" ]; then
  echo "1..0 # SKIP no compiled C.UTF-8 locale in /usr/lib/locale to copy"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/maskgrow-i18n-test.XXXXXX")
[ -n "${MASKGROW_TEST_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
unset DISPLAY WAYLAND_DISPLAY LC_MESSAGES LANG
. "$(dirname "${BASH_SOURCE[0]}")/../private-gimp.sh"
mkdir -p "$tmp/locales"
cp -r "$c_utf8" "$tmp/locales/de_DE.UTF-8"
export LOCPATH=$tmp/locales

n=0
failed=0
ok ()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
show ()   { sed -e 's/^/# /' "$1"; }

# The Python-Fu batch: prints "maskgrow-test: <what>: <text>" lines.
cat > "$tmp/query.py" <<PY
pdb = Gimp.get_pdb()
proc = pdb.lookup_procedure('plug-in-maskgrow-segment')
print('maskgrow-test: label:', proc.get_menu_label())
print('maskgrow-test: blurb:', proc.get_blurb())
image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE,
                       Gio.File.new_for_path('$data/nuclei-grey.png'))
config = proc.create_config()
config.set_property('run-mode', Gimp.RunMode.NONINTERACTIVE)
config.set_property('image', image)
config.set_core_object_array('drawables', image.get_layers())
result = proc.run(config)
print('maskgrow-test: status:', result.index(0))
print('maskgrow-test: error:', result.index(1) if result.length() > 1 else '')
image.delete()
PY

# run_gimp LL GIMPRC_TEXT: a fresh GIMP user folder per language (the
# plug-in's labels are registered once per folder, in the language of that
# start), log in $tmp/LL.log.
run_gimp ()
{
  local ll=$1 dir=$tmp/$1
  private_gimp "$dir" "$plugin"
  for c in de fr; do
    mkdir -p "$GIMP3_DIRECTORY/plug-ins/maskgrow/locale/$c/LC_MESSAGES"
    # A catalogue missing from the build is not skipped: the checks fail.
    cp "$po/$c/LC_MESSAGES/maskgrow.mo" \
       "$GIMP3_DIRECTORY/plug-ins/maskgrow/locale/$c/LC_MESSAGES/" ||
      echo "# no catalogue $po/$c/LC_MESSAGES/maskgrow.mo"
  done
  [ -z "$2" ] || printf '%s\n' "$2" > "$GIMP3_DIRECTORY/gimprc"
  timeout 300 "$console" -i -d -f --quit \
    --batch-interpreter=python-fu-eval -b - < "$tmp/query.py" \
    > "$tmp/$ll.log" 2>&1
  echo "# gimp-console ($ll) exited with $?"
}

echo "1..3"

LC_ALL=de_DE.UTF-8 LANGUAGE=de run_gimp de ""
if grep -qx 'maskgrow-test: label: _Segmentieren\.\.\.' "$tmp/de.log" &&
   grep -qx 'maskgrow-test: blurb: Das Bild aus groben Hinweisen segmentieren' "$tmp/de.log"; then
  ok "German menu label and blurb of plug-in-maskgrow-segment"
else
  not_ok "German menu label and blurb of plug-in-maskgrow-segment"
  show "$tmp/de.log"
fi
if grep -q '^maskgrow-test: status: .*EXECUTION_ERROR' "$tmp/de.log" &&
   grep -q '^maskgrow-test: error: Keine Hinweisebene: Verwenden Sie Filter ▸ Segmentierung ▸ Neue Hinweisebene (oder nennen Sie eine Ebene „Hints“)' "$tmp/de.log"; then
  ok "German error message for a missing hints layer"
else
  not_ok "German error message for a missing hints layer"
  grep '^maskgrow-test:' "$tmp/de.log" | sed -e 's/^/# /'
fi

LC_ALL=de_DE.UTF-8 run_gimp fr '(language "fr")'
if grep -qx 'maskgrow-test: label: _Segmenter\.\.\.' "$tmp/fr.log" &&
   # (A no-break space precedes the colon in French: match around it.)
   grep -q '^maskgrow-test: error: Aucun calque d’indices' "$tmp/fr.log" &&
   grep -q 'utilisez Filtres ▸ Segmentation ▸ Nouveau calque d’indices' "$tmp/fr.log"; then
  ok "French (GIMP's language setting): menu label and error message"
else
  not_ok "French (GIMP's language setting): menu label and error message"
  show "$tmp/fr.log"
fi

exit "$failed"
