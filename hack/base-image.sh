#!/usr/bin/env bash
# Builds the base image of the Sekisho images (task image and operator) on this machine, without a
# container registry, a daemon or root:
#   - a Java runtime made by jlink from the build JDK (hack/jdk.sh), with the modules the CLI and
#     the operator use, stripped, with its default CDS archive, at /opt/java/openjdk;
#   - the glibc shared libraries that runtime, /bin/sh and the native libraries of sqlite-jdbc and
#     zstd-jni need (libc, libm, libdl, libpthread, librt and the dynamic loader, found with ldd
#     and copied from this machine), and dash as /bin/sh for the task image's launcher script;
#   - the CA bundle, /etc/passwd and /etc/group with a non-root user 1001 (group 0, HOME=/tmp) for
#     runtimes that look the user up, nsswitch.conf, /etc/hosts, and a world-writable /tmp;
#   - /etc/os-release and a dpkg status file naming the Debian packages the libraries came from,
#     so that scanners (Sekisho's own included) see the C library's version.
# Output: a docker-archive tarball (the format Jib reads with a tar:// base image) in OUT_DIR
# (default target/base-image), named after a key of everything it is made from (this script, the
# JDK release, the module list and the Debian package versions), so a rebuild with unchanged
# inputs is a cache hit. Prints the tarball's path. One layer, files owned by 0:0, mtimes 0:
# the same inputs give the same bytes.
#
# Usage: hack/base-image.sh [OUT_DIR]
# The image is for this machine's architecture and C library (jlink and the libraries come from
# it): build the images on a linux/amd64 machine for linux/amd64.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/base-image}"

# Modules: `jdeps --print-module-deps --ignore-missing-deps --multi-release 21` over the runtime
# class paths of task-image and operator (java.desktop: Jackson's and SnakeYAML's java.beans use;
# java.compiler: javapoet via the operator SDK; jdk.httpserver: the operator's health, metrics and
# scan API servers; java.security.jgss and jdk.net: Apache HttpClient), plus what jdeps cannot see
# because it is found at run time: jdk.crypto.ec (TLS with EC keys on JDK 21), jdk.charsets (text
# in other encodings), jdk.naming.dns (Netty's DNS server discovery), jdk.zipfs, and jdk.jcmd for
# `jcmd PID Thread.print` inside a running container.
modules=(java.base java.compiler java.desktop java.management java.naming java.net.http
  java.security.jgss java.sql jdk.charsets jdk.crypto.ec jdk.httpserver jdk.jcmd jdk.management
  jdk.naming.dns jdk.net jdk.unsupported jdk.zipfs)
user_id=1001
packages=(libc6 dash base-files)

die() { echo "base-image.sh: $*" >&2; exit 2; }
for tool in ldd tar gzip sha256sum dpkg-query; do
  command -v "$tool" >/dev/null || die "needs $tool (a Debian or Ubuntu machine with glibc)"
done
jdk="${JAVA_HOME:-}"
[[ -n "$jdk" && -x "$jdk/bin/jlink" ]] || jdk="$("$root/hack/jdk.sh")"
[[ -n "$jdk" && -x "$jdk/bin/jlink" ]] || die "needs a JDK 21+ with jlink; set JAVA_HOME"
arch="$(dpkg --print-architecture)"

# jdk.crypto.ec became an empty, deprecated module in JDK 22 (EC moved into java.base).
available="$("$jdk/bin/java" --list-modules | sed 's/@.*//')"
wanted=()
for m in "${modules[@]}"; do
  grep -qx "$m" <<<"$available" && wanted+=("$m")
done

key="$({
  cat "$0"
  cat "$jdk/release"
  echo "${wanted[*]}" "$arch"
  dpkg-query -W -f='${Package} ${Version}\n' "${packages[@]}" ca-certificates
  sha256sum /etc/ssl/certs/ca-certificates.crt
} | sha256sum | cut -c1-16)"
tarball="$out/sekisho-base-$key.tar"
# The build reads the image as OUT_DIR/sekisho-base.tar, a link to the current one.
if [[ -s "$tarball" ]]; then
  ln -sfn "$(basename "$tarball")" "$out/sekisho-base.tar"
  echo "$tarball"
  exit 0
fi

mkdir -p "$out"
work="$(mktemp -d "$out/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{usr/bin,usr/lib,usr/lib64,etc/ssl/certs,opt/java,tmp,var/lib/dpkg,proc,sys,dev}
# A merged /usr, as Debian 12 has: /bin, /lib and /lib64 are links into /usr.
ln -s usr/bin "$rootfs/bin"
ln -s usr/lib "$rootfs/lib"
ln -s usr/lib64 "$rootfs/lib64"
ln -s bin "$rootfs/usr/sbin"
ln -s usr/sbin "$rootfs/sbin"
chmod 1777 "$rootfs/tmp"

runtime="$rootfs/opt/java/openjdk"
"$jdk/bin/jlink" --add-modules "$(IFS=,; echo "${wanted[*]}")" \
  --strip-debug --no-header-files --no-man-pages --generate-cds-archive \
  --output "$runtime" >"$work/jlink.log" 2>&1 || { cat "$work/jlink.log" >&2; die "jlink failed"; }

cp /usr/bin/dash "$rootfs/usr/bin/dash"
ln -s dash "$rootfs/usr/bin/sh"

# Shared libraries: what ldd says the launcher, the JVM, its core libraries and dash load. The AWT,
# font, colour, image and sound libraries of java.desktop are left out: they need X11 and ALSA and
# the images never load them (headless). sqlite-jdbc's and zstd-jni's own libraries need only libc,
# libm and libpthread, which libjvm already pulls in (checked below).
elves=("$runtime/bin/java" "$runtime/lib/server/libjvm.so" "$rootfs/usr/bin/dash")
for so in "$runtime"/lib/*.so; do
  case "$(basename "$so")" in
    libawt*|libfontmanager.so|libfreetype.so|liblcms.so|libmlib_image.so|libjavajpeg.so|libjsound.so|libsplashscreen.so|libjawt.so) ;;
    *) elves+=("$so") ;;
  esac
done
libs="$(for e in "${elves[@]}"; do
  LD_LIBRARY_PATH="$runtime/lib:$runtime/lib/server" ldd "$e" | awk -v e="$e" '
    /not found/ { print "MISSING " $1 " of " e; next }
    $2 == "=>" && $3 ~ /^\// { print $3; next }
    $1 ~ /^\// { print $1 }'
done | sort -u)"
if grep -q '^MISSING' <<<"$libs"; then
  die "libraries not found on this machine: $(grep '^MISSING' <<<"$libs" | tr '\n' ' ')"
fi
for lib in $libs; do
  case "$lib" in "$runtime"/*) continue ;; esac
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
# glibc 2.34+ folded libpthread and libdl into libc, so a JDK built against it (Debian's own
# OpenJDK) does not link them, while the native libraries sqlite-jdbc and zstd-jni unpack at run
# time may: copy them from beside libc when ldd did not name them.
libdir="$(dirname "$(grep '/libc\.so\.6$' <<<"$libs" | head -n1)")"
for extra in libpthread.so.0 libdl.so.2; do
  if ! grep -q "/$extra\$" <<<"$libs" && [[ -e "$libdir/$extra" ]]; then
    mkdir -p "$rootfs$libdir"
    cp -L "$libdir/$extra" "$rootfs$libdir/$extra"
    libs+=$'\n'"$libdir/$extra"
  fi
done
for need in libc.so.6 libm.so.6 libpthread.so.0; do
  grep -q "/$need\$" <<<"$libs" || die "ldd did not name $need; sqlite-jdbc and zstd-jni need it"
done

cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
cp /etc/os-release "$rootfs/etc/os-release" 2>/dev/null || cp /usr/lib/os-release "$rootfs/etc/os-release"
dpkg-query -s "${packages[@]}" | grep -v '^Conffiles:\|^ /' >"$rootfs/var/lib/dpkg/status"
cat >"$rootfs/etc/passwd" <<EOF
root:x:0:0:root:/root:/usr/sbin/nologin
sekisho:x:$user_id:0:Sekisho:/tmp:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<EOF
root:x:0:
sekisho:x:$user_id:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$rootfs/etc/hosts"
: >"$rootfs/etc/resolv.conf"
chmod -R u+w,go-w,a+rX "$rootfs/opt" "$rootfs/usr" "$rootfs/etc"

# The layer: sorted, owned by root, mtime 0, no atime/ctime, gzip without a name or time stamp.
blobs="$work/archive"
mkdir -p "$blobs"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$rootfs" -cf "$work/layer.tar" $(ls -A "$rootfs")
diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
gzip -n -6 -c "$work/layer.tar" >"$blobs/layer.tar.gz"
layer_digest="$(sha256sum "$blobs/layer.tar.gz" | cut -d' ' -f1)"
mv "$blobs/layer.tar.gz" "$blobs/$layer_digest.tar.gz"
case "$arch" in amd64|arm64|ppc64el|s390x) ;; *) die "unsupported architecture $arch" ;; esac
oci_arch="${arch/ppc64el/ppc64le}"
cat >"$work/config.json" <<EOF
{"architecture":"$oci_arch","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"$user_id","Env":["PATH=/opt/java/openjdk/bin:/usr/local/bin:/usr/bin:/bin","JAVA_HOME=/opt/java/openjdk","HOME=/tmp","LANG=C.UTF-8"],"WorkingDir":"/tmp","Labels":{"org.opencontainers.image.title":"sekisho-base","org.opencontainers.image.description":"jlink'd Java runtime on glibc, made by hack/base-image.sh"}},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"hack/base-image.sh"}]}
EOF
config_digest="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mv "$work/config.json" "$blobs/$config_digest.json"
printf '[{"Config":"%s.json","RepoTags":["sekisho-base:%s"],"Layers":["%s.tar.gz"]}]' \
  "$config_digest" "$key" "$layer_digest" >"$blobs/manifest.json"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$blobs" -cf "$work/image.tar" $(ls -A "$blobs")
mv "$work/image.tar" "$tarball"
ln -sfn "$(basename "$tarball")" "$out/sekisho-base.tar"
# Older bases (other JDK or libc6 versions) are not used any more.
find "$out" -maxdepth 1 -name 'sekisho-base-*.tar' ! -name "$(basename "$tarball")" -delete
echo "base-image.sh: $(du -h "$tarball" | cut -f1) compressed, $(du -sh "$rootfs" | cut -f1) unpacked: $tarball" >&2
echo "$tarball"
