#!/usr/bin/env bash
# tests/debian13-root.sh — run a command inside a Debian 13 (trixie) root
# that has GIMP 3 and the build dependencies, for hosts (Debian 12) whose apt
# has only GIMP 2.10.
#
#   bash tests/debian13-root.sh COMMAND [ARG...]
#
# The root is made once with mmdebstrap and cached outside the source tree in
# $MASKGROW_ROOT_CACHE (default /var/cache/maskgrow) as
# debian13-root-<hash>, where <hash> covers the package list
# (tests/packages.txt, shared with tests/run-all.sh): change the list and the
# next run builds a new root.  It is built in a temporary
# folder and renamed when complete, so an interrupted build is never reused.
# The mirror is read at run time from the host's apt configuration (or
# $MASKGROW_MIRROR).
#
# COMMAND runs with chroot as root in /src (the source tree, bind-mounted),
# with /proc, /dev, /dev/pts, a private /dev/shm and a fresh /tmp (HOME is
# /tmp/home), so runs leave nothing in the cached root.  Everything is
# unmounted on exit, also on failure or interrupt.  Needs root.
set -euo pipefail

SUITE=trixie

die () { echo "debian13-root: $*" >&2; exit 1; }

# The host's Debian mirror: the URI serving its own release (not -security),
# from deb822 .sources files first, then one-line sources.list entries.
host_mirror ()
{
  local codename f
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # One record per paragraph: print its URIs when Suites has the codename.
    awk -v c="$codename" '
      function flush () { if (ok && uris != "" && !done) { print uris; done = 1 }
                          ok = 0; uris = "" }
      /^[ \t]*$/ { flush (); next }
      /^URIs:/   { uris = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) ok = 1 }
      END        { flush () }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [options] URI suite components...
    sed -e 's/\[[^]]*\]//' "$f" |
      awk -v c="$codename" '$1 == "deb" && $3 == c { print $2; exit }'
  done
}

# Builds the root in a temporary folder next to it, then renames it.
make_root ()
{
  local root=$1 mirror tmp attempt t0=$SECONDS
  mirror=${MASKGROW_MIRROR:-$(host_mirror | head -n 1)}
  [ -n "$mirror" ] ||
    die "no Debian mirror in the host's apt configuration; set MASKGROW_MIRROR"
  if ! command -v mmdebstrap > /dev/null; then
    echo "debian13-root: installing mmdebstrap on the host" >&2
    apt-get update -q > /dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap > /dev/null
  fi
  echo "debian13-root: creating $root from $mirror (minutes, ~1.6 GB)" >&2
  # Two tries: a mirror hiccup should not fail a whole test run.
  for attempt in 1 2; do
    tmp=$(mktemp -d "$(dirname "$root")/.building-$(basename "$root").XXXXXX")
    if mmdebstrap --variant=apt --mode=root --quiet \
         --include="$(IFS=,; echo "${PACKAGES[*]}")" \
         "$SUITE" "$tmp" "$mirror" >&2; then
      break
    fi
    grep -q " $tmp/" /proc/mounts || rm -rf --one-file-system "$tmp"
    [ "$attempt" = 2 ] && die "mmdebstrap failed"
    echo "debian13-root: mmdebstrap failed; trying once more" >&2
  done
  mkdir -p "$tmp/src"
  mv -T "$tmp" "$root"
  echo "debian13-root: root ready in $((SECONDS - t0)) s" >&2
}

# Leftovers of interrupted builds, and roots for other package lists (1.6 GB
# each), unless something is still mounted there.
clean_stale ()
{
  local cache=$1 keep=$2 d
  for d in "$cache"/.building-* "$cache"/debian13-root-*; do
    [ -d "$d" ] && [ "$d" != "$keep" ] || continue
    if grep -q " $d/" /proc/mounts; then
      echo "debian13-root: leaving $d (still has mounts)" >&2
    else
      echo "debian13-root: removing $d" >&2
      rm -rf --one-file-system "$d"
    fi
  done
}

MOUNTED=()
SCRATCH=

mnt () { mount "$@"; MOUNTED+=("${!#}"); }

cleanup ()
{
  local i
  for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTED[i]}" 2> /dev/null || umount -l "${MOUNTED[i]}" || true
  done
  # Only remove the scratch folder once nothing is mounted on or in it.
  if [ -n "$SCRATCH" ] && ! grep -q " $SCRATCH[/ ]" /proc/mounts; then
    rm -rf --one-file-system "$SCRATCH"
  fi
}

# Everything runs from main, called on the file's last line together with
# exit: bash has read the whole file before acting, so editing or updating
# the tree during a run cannot change what runs.
main ()
{
  [ "$#" -ge 1 ] || die "usage: $0 COMMAND [ARG...]"
  [ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap, mount, chroot)"

  local src cache hash root status
  src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  mapfile -t PACKAGES < <(grep -v -e '^#' -e '^[[:space:]]*$' "$src/tests/packages.txt")
  cache=${MASKGROW_ROOT_CACHE:-/var/cache/maskgrow}
  hash=$(printf '%s\n' "$SUITE" "${PACKAGES[@]}" | sha256sum | cut -c1-16)
  root=$cache/debian13-root-$hash

  mkdir -p "$cache"
  exec 9> "$cache/.lock"
  flock 9
  if [ ! -d "$root" ]; then
    clean_stale "$cache" "$root"
    make_root "$root"
  fi
  flock -u 9

  trap cleanup EXIT
  trap 'exit 130' INT TERM
  SCRATCH=$(mktemp -d /tmp/maskgrow-root-tmp.XXXXXX)
  chmod 1777 "$SCRATCH"
  mkdir "$SCRATCH/home"

  mnt -t proc proc "$root/proc"
  mnt --bind /dev "$root/dev"
  mnt --bind /dev/pts "$root/dev/pts"
  mnt -t tmpfs -o mode=1777 shm "$root/dev/shm"
  mnt --bind "$SCRATCH" "$root/tmp"
  mnt --bind "$src" "$root/src"

  # A clean environment; MASKGROW_IN_ROOT tells tests/run-all.sh where it is.
  set +e
  chroot "$root" /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/tmp/home LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" \
    MASKGROW_IN_ROOT=1 MASKGROW_MESON_ARGS="${MASKGROW_MESON_ARGS:-}" \
    /bin/sh -c 'cd /src && exec "$@"' sh "$@"
  status=$?
  set -e
  return "$status"
}

main "$@"; exit
