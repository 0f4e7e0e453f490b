#!/usr/bin/env bash
# tests/run-all.sh — the one test command: builds maskgrow and runs every
# test suite, as root on a fresh Debian 12 (or newer) machine.
#
#   bash tests/run-all.sh
#
# 1. Installs what is missing with apt-get (tests/packages.txt).  Where apt
#    has no GIMP 3 (Debian 12), it re-runs itself inside a cached Debian 13
#    root instead (tests/debian13-root.sh), so core, cli and gimp suites all
#    run there.
# 2. Build 1, build-tests/main: -Dwerror=true, plug-in enabled, all suites.
#    Build 2, build-tests/asan: AddressSanitizer + UBSan, no plug-in, the
#    core and cli suites.
# 3. Prints meson's summaries and, last, one line "N passed, N failed" (plus
#    ", N skipped" if any), summed over both builds from meson's testlog.json;
#    exits non-zero if anything failed or did not build.
#
# Build folders: <source>/build-tests/{main,asan} (gitignored), made anew.
# Environment: MASKGROW_MESON_ARGS = extra `meson setup` arguments for both
# builds (e.g. -Dui=disabled).
set -euo pipefail

say () { echo "run-all: $*" >&2; }

APT_UPDATED=
apt_update_once ()
{
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    apt-get update -q > /dev/null
    APT_UPDATED=1
  fi
}

# Installs the given Debian packages that are not installed yet.
apt_ensure ()
{
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2> /dev/null |
      grep -q '^install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || { say "missing packages: ${missing[*]} (run as root)"; return 1; }
  apt_update_once
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" > /dev/null
}

# TRUE if this host can build the plug-in natively: libgimp-3.0-dev is
# installed, or apt can install it.
gimp3_native ()
{
  pkg-config --exists gimp-3.0 2> /dev/null && return 0
  command -v apt-cache > /dev/null || return 1
  apt_update_once
  apt-cache show libgimp-3.0-dev > /dev/null 2>&1
}

# Adds the results of one build's testlog.json to PASSED/FAILED/SKIPPED.
count_results ()
{
  local log=$1/meson-logs/${2:-testlog.json} counts
  if [ ! -s "$log" ]; then
    say "no test results in $1"
    FAILED=$((FAILED + 1))
    return
  fi
  counts=$(python3 - "$log" <<'EOF'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    result = json.loads(line)["result"]
    if result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:                       # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS
        failed += 1
print(passed, failed, skipped)
EOF
)
  read -r p f s <<< "$counts"
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
}

# build_and_test NAME "SUITES" SETUP-ARGS...   (SUITES empty = all)
build_and_test ()
{
  local name=$1 suites=$2 dir=$BUILD/$1 args=() s
  shift 2
  for s in $suites; do args+=(--suite "$s"); done
  echo "=== build $name: meson setup $* ${MASKGROW_MESON_ARGS:-}"
  # shellcheck disable=SC2086  # MASKGROW_MESON_ARGS is a word list
  if ! meson setup "$dir" "$SRC" "$@" ${MASKGROW_MESON_ARGS:-} > "$BUILD/$name-setup.log" 2>&1; then
    cat "$BUILD/$name-setup.log"
    say "meson setup failed for $name"
    FAILED=$((FAILED + 1))
    return
  fi
  sed -n '/^maskgrow /,$p' "$BUILD/$name-setup.log"   # the project summary
  if ! meson compile -C "$dir" > "$BUILD/$name-compile.log" 2>&1; then
    tail -n 80 "$BUILD/$name-compile.log"
    say "build $name failed to compile"
    FAILED=$((FAILED + 1))
    return
  fi
  echo "=== test $name ${suites:-(all suites)}"
  meson test -C "$dir" --print-errorlogs \
    --timeout-multiplier "${TIMEOUT_MULTIPLIER:-1}" "${args[@]}" || true
  count_results "$dir"
}

# Builds and tests here (natively or inside the Debian 13 root).
run_here ()
{
  local plugin=disabled line
  SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  BUILD=$SRC/build-tests
  PASSED=0 FAILED=0 SKIPPED=0
  rm -rf "$BUILD"
  mkdir -p "$BUILD"
  pkg-config --exists gimp-3.0 && plugin=enabled

  build_and_test main "" -Dwerror=true -Dplugin="$plugin"
  # The core under valgrind memcheck (design: valgrind-clean core); the
  # long training tests are left to the sanitizer build below.
  if [ -f "$BUILD/main/build.ninja" ] && command -v valgrind > /dev/null; then
    echo "=== test main under valgrind: core (without training)"
    meson test -C "$BUILD/main" --setup valgrind --suite core \
      --no-suite training --print-errorlogs || true
    count_results "$BUILD/main" testlog-valgrind.json
  fi
  # Sanitizers change code generation and so warnings: no -Werror here.
  TIMEOUT_MULTIPLIER=4 build_and_test asan "core cli" \
    -Dplugin=disabled -Db_sanitize=address,undefined \
    -Dbuildtype=debugoptimized

  line="$PASSED passed, $FAILED failed"
  [ "$SKIPPED" -gt 0 ] && line="$line, $SKIPPED skipped"
  echo "$line" > "$BUILD/result.txt"
  echo "$line"
  [ "$FAILED" -eq 0 ]
}

# Called with exit on the last line: bash reads the whole file first, so a
# tree updated during the run cannot change what runs.
main ()
{
  local src status
  src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

  if [ -n "${MASKGROW_IN_ROOT:-}" ]; then
    run_here
    return
  fi

  apt_ensure pkg-config python3
  if gimp3_native; then
    mapfile -t packages < <(grep -v -e '^#' -e '^[[:space:]]*$' "$src/tests/packages.txt")
    apt_ensure "${packages[@]}"
    run_here
    return
  fi

  say "no GIMP 3 in this host's apt: running in the Debian 13 root"
  apt_ensure mmdebstrap
  rm -f "$src/build-tests/result.txt"
  status=0
  bash "$src/tests/debian13-root.sh" bash tests/run-all.sh || status=$?
  # The root printed the final line, unless it never got that far.
  if [ ! -f "$src/build-tests/result.txt" ]; then
    say "the Debian 13 root failed before the tests ran"
    echo "0 passed, 1 failed"
    [ "$status" -ne 0 ] || status=1
  fi
  return "$status"
}

main "$@"; exit
