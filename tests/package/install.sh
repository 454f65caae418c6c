#!/bin/sh
# The Debian package on a fresh Debian 12: scripts/package builds it; a
# minimal Debian 12 root (debootstrap --variant=minbase from Debian's
# mirror, cached outside the work tree by suite, architecture and
# debootstrap version, so that a second run only unpacks it) installs it
# with apt; warroom runs there: --version, --demo --snapshot, a shipped
# theme, its manual page. Then, without the client libraries it opens with
# dlopen(), it still runs and a PostgreSQL source says which package is
# missing. Needs root (debootstrap, chroot) and Debian's mirror.
set -eu

top=${WARROOM_SOURCE_DIR:?WARROOM_SOURCE_DIR is not set}
suite=bookworm
mirror=${WARROOM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/warroom

fail() {
	echo "package test: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] ||
	fail "cannot run here: debootstrap and chroot need root"
command -v debootstrap >/dev/null 2>&1 ||
	fail "cannot run here: debootstrap is not installed (scripts/deps)"
command -v unshare >/dev/null 2>&1 ||
	fail "cannot run here: unshare (util-linux) is not installed"

work=$(mktemp -d "${TMPDIR:-/tmp}/warroom-deb-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- the package ---------------------------------------------------------

deb=$("$top/scripts/package" --output "$work") || fail "scripts/package failed"
[ -f "$deb" ] || fail "scripts/package made no package"
echo "package: $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
echo "Recommends: $(dpkg-deb -f "$deb" Recommends)"
for lib in libpq libhiredis libcurl librdkafka libyaml; do
	case "$depends" in
	*"$lib"*) fail "Depends names $lib, which is opened with dlopen" ;;
	esac
done

# ---- a fresh Debian root, bootstrapped once ---------------------------------

arch=$(dpkg --print-architecture)
ver=$(debootstrap --version | sed -n 's/^debootstrap //p')
tarball="$cache/debian-$suite-minbase-$arch-debootstrap-$ver.tar.zst"
archives="$cache/debian-$suite-$arch-apt-archives"
mkdir -p "$cache" "$archives"
(
	# Another run (another work tree) may be making it.
	flock 9
	if [ ! -f "$tarball" ]; then
		boot=$(mktemp -d "$cache/boot.XXXXXX")
		echo "bootstrapping Debian $suite into the cache (once)"
		if ! debootstrap --variant=minbase "$suite" "$boot/root" \
			"$mirror" >"$boot/log" 2>&1; then
			tail -5 "$boot/log" >&2
			rm -rf "$boot"
			fail "debootstrap from $mirror failed"
		fi
		cp /etc/resolv.conf "$boot/root/etc/resolv.conf"
		if ! chroot "$boot/root" apt-get update -qq >>"$boot/log" 2>&1
		then
			tail -5 "$boot/log" >&2
			rm -rf "$boot"
			fail "apt-get update in the new root failed"
		fi
		rm -f "$boot/root/var/cache/apt/archives/"*.deb
		tar -C "$boot/root" --zstd -cf "$tarball.tmp" . &&
			mv "$tarball.tmp" "$tarball"
		rm -rf "$boot"
	fi
) 9>"$tarball.lock"
[ -f "$tarball" ] || fail "no bootstrapped root in $tarball"

root="$work/root"
mkdir "$root"
tar -C "$root" --zstd -xf "$tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
# Packages fetched by an earlier run are not fetched again.
cp "$archives/"*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true

# ---- in the root: install and run -------------------------------------------

# A private mount namespace: /proc is unmounted whatever happens.
unshare --mount --propagation private sh -eu -c '
root=$1
deb=$(basename "$2")
mount -t proc proc "$root/proc"
in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		TERM=xterm-256color LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		"$@"
}
echo "== apt install ./$deb"
in_root apt-get install -y -q "./tmp/$deb" >"$root/tmp/apt.log" 2>&1 || {
	tail -20 "$root/tmp/apt.log" >&2
	exit 1
}
grep -E "^(Setting up|Unpacking) " "$root/tmp/apt.log" | sed "s/^/  /"
in_root dpkg-query -W -f "\${Status}\n" warroom | grep -qx "install ok installed"

echo "== warroom --version"
in_root warroom --version | tee "$root/tmp/version"
grep -qx "warroom [0-9][0-9.]*" "$root/tmp/version"

echo "== warroom --demo --snapshot"
in_root warroom --demo --snapshot --size 120x40 >"$root/tmp/snap"
head -4 "$root/tmp/snap"
for pane in Pods Database Redis Kafka Metrics Alerts Timeline; do
	grep -q "$pane" "$root/tmp/snap" || {
		echo "no $pane pane in the snapshot" >&2
		exit 1
	}
done
# A shipped theme is read from where the package put it.
in_root warroom --demo --snapshot --size 100x30 --theme light >/dev/null
test -f "$root/usr/share/man/man1/warroom.1.gz"

echo "== without the client libraries it opens with dlopen()"
in_root apt-get remove -y -q libpq5 libhiredis0.14 libcurl4 \
	>"$root/tmp/remove.log" 2>&1 || {
	tail -20 "$root/tmp/remove.log" >&2
	exit 1
}
in_root dpkg-query -W -f "\${Status}\n" warroom | grep -qx "install ok installed"
in_root env DATABASE_URL=postgresql://app@127.0.0.1:1/app warroom \
	--snapshot --size 120x40 >"$root/tmp/nolib"
grep -o "PostgreSQL support needs libpq[^ ]* (package libpq5)[^│]*" \
	"$root/tmp/nolib" | head -1 | sed "s/^/  /"
grep -q "PostgreSQL support needs libpq.so.5 (package libpq5)" \
	"$root/tmp/nolib"
' sh "$root" "$deb" || fail "the package does not install or run on Debian $suite"

cp -n "$root/var/cache/apt/archives/"*.deb "$archives/" 2>/dev/null || true
echo "ok: $(basename "$deb") installs and runs on a fresh Debian $suite"
