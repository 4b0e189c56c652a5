#!/usr/bin/env bash
# Builds the codearts-runner container image without pulling any image, with buildah, then
# runs `runner perftest --simulate` inside it and prints its size.
#
#   scripts/build-image.sh                                    # as root: image codearts-runner:dev
#   ARCHIVE=dist/codearts-runner.tar scripts/build-image.sh   # also: docker load -i dist/...
#
# How: the Go binary is built on the host (CGO_ENABLED=0); a base image is assembled from
# scratch out of Debian's static busybox (/bin/sh, cat, ...) and the host's CA bundle; then
# target "offline" of the published Dockerfile is built with BASE_IMAGE=<that base>: the same
# runtime stage (user, workdir, entrypoint) as `docker build`, with the host's binary.
# As root on Debian, missing packages (buildah, busybox-static, ca-certificates) are installed
# with apt-get. Images live in buildah's storage (vfs driver: no kernel overlay needed).
#
# Settings (environment): IMAGE, BASE_IMAGE, PKG (Go package to build), VERSION,
# STORAGE_DRIVER (vfs), BUSYBOX (a static busybox), CA_BUNDLE, SMOKE_ARGS, ARCHIVE,
# REBUILD_BASE=1 (assemble the base again even if it exists), PRUNE=0 (keep dangling images).
set -euo pipefail

cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-codearts-runner:dev}
BASE_IMAGE=${BASE_IMAGE:-localhost/codearts-runner-base:busybox}
PKG=${PKG:-./cmd/runner}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
STORAGE_DRIVER=${STORAGE_DRIVER:-vfs}
BUSYBOX=${BUSYBOX:-/bin/busybox}
CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
SMOKE_ARGS=${SMOKE_ARGS:-perftest --simulate}
ARCHIVE=${ARCHIVE:-}
REBUILD_BASE=${REBUILD_BASE:-0}
PRUNE=${PRUNE:-1}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-image: %s\n' "$*" >&2; exit 1; }
bah() { buildah --storage-driver "$STORAGE_DRIVER" "$@"; }

is_static() { [ -x "$1" ] && ! ldd "$1" >/dev/null 2>&1; }

# ---- tools ---------------------------------------------------------------------------------
missing=()
command -v buildah >/dev/null || missing+=(buildah)
is_static "$BUSYBOX" || missing+=(busybox-static)
[ -s "$CA_BUNDLE" ] || missing+=(ca-certificates)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing ${missing[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	else
		die "need ${missing[*]} (Debian: apt-get install ${missing[*]}; or set BUSYBOX/CA_BUNDLE)"
	fi
fi
is_static "$BUSYBOX" || die "$BUSYBOX is not a static busybox (Debian package busybox-static)"
command -v go >/dev/null || die "need Go to build the binary"

work=$(mktemp -d)
containers=()
cleanup() {
	for c in "${containers[@]}"; do bah rm "$c" >/dev/null 2>&1 || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# ---- binary --------------------------------------------------------------------------------
arch=$(go env GOARCH)
log "building $PKG (linux/$arch, version $VERSION)"
mkdir -p "$work/context"
CGO_ENABLED=0 GOOS=linux GOARCH="$arch" \
	go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$work/context/runner" "$PKG"
cp "$CA_BUNDLE" "$work/context/ca-certificates.crt"

# ---- base image: busybox + CA bundle + users, from scratch ----------------------------------
if [ "$REBUILD_BASE" = 1 ] || ! bah inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then
	log "assembling $BASE_IMAGE from $BUSYBOX"
	root=$work/base
	mkdir -p "$root/bin" "$root/etc/ssl/certs" "$root/root" "$root/tmp"
	chmod 1777 "$root/tmp"
	cp "$BUSYBOX" "$root/bin/busybox"
	for applet in $("$BUSYBOX" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
	done
	cp "$CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
		'runner:x:10001:10001:codearts-runner:/work:/bin/sh' >"$root/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'runner:x:10001:' >"$root/etc/group"
	ctr=$(bah from scratch)
	containers+=("$ctr")
	bah copy "$ctr" "$root/" / >/dev/null
	bah config --env PATH=/usr/local/bin:/usr/bin:/bin --cmd /bin/sh \
		--label org.opencontainers.image.description="busybox-static base for offline builds" "$ctr"
	bah commit --quiet "$ctr" "$BASE_IMAGE" >/dev/null
fi

# ---- final image: the published Dockerfile, prebuilt binary, local base ----------------------
log "building $IMAGE: Dockerfile --target offline, BASE_IMAGE=$BASE_IMAGE"
before=$(bah containers --quiet --notruncate)
bah bud --quiet --pull=never --isolation chroot \
	--target offline --build-arg PREBUILT_DIR=. \
	--build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg VERSION="$VERSION" \
	-f "$PWD/Dockerfile" -t "$IMAGE" "$work/context" >/dev/null
# buildah 1.28 may leave working containers of intermediate stages: remove this build's
# leftovers (and only those).
for c in $(bah containers --quiet --notruncate); do
	case "$before" in *"$c"*) ;; *) bah rm "$c" >/dev/null ;; esac
done

# ---- smoke test ------------------------------------------------------------------------------
ctr=$(bah from --pull=never "$IMAGE")
containers+=("$ctr")
log "inside $IMAGE: sh, cat and the user"
# shellcheck disable=SC2016 # expanded by the container's shell
bah run --isolation chroot "$ctr" -- /bin/sh -c 'cat /etc/ssl/certs/ca-certificates.crt >/dev/null && echo "sh+cat ok, $(id), in $(pwd)"'
log "inside $IMAGE: runner $SMOKE_ARGS"
# shellcheck disable=SC2086 # SMOKE_ARGS is a word list on purpose
bah run --isolation chroot "$ctr" -- /usr/local/bin/runner $SMOKE_ARGS

# A workspace mounted from the host and owned by another user (uid 1000), as with
# `docker run -v "$PWD:/work"`: as the image's uid 10001 the runner cannot write its outputs and
# says how to fix it; with the documented recipe (--user "$(id -u):$(id -g)") it writes them.
log "inside $IMAGE: a mounted workspace owned by uid 1000"
ws="$work/workspace"
mkdir -p "$ws" && chown 1000:1000 "$ws" && chmod 755 "$ws"
out=$(bah run --isolation chroot -v "$ws:/work" "$ctr" -- /usr/local/bin/runner perftest --simulate 2>&1) || die "runner as uid 10001 in a foreign workspace failed:
$out"
case "$out" in
*"permission denied"*"uid 10001"*"--user"*) ;;
*) die "no permission hint for an unwritable workspace:
$out" ;;
esac
bah run --isolation chroot --user 1000:1000 -v "$ws:/work" "$ctr" -- /usr/local/bin/runner perftest --simulate >/dev/null
[ -s "$ws/codearts-junit.xml" ] || die "--user 1000:1000 did not write codearts-junit.xml into the workspace"
log "mounted workspace: uid 10001 is told the --user recipe; --user 1000:1000 writes the JUnit file"

if [ -n "$ARCHIVE" ]; then
	mkdir -p "$(dirname "$ARCHIVE")"
	rm -f "$ARCHIVE"
	bah push --quiet "$IMAGE" "docker-archive:$ARCHIVE:$IMAGE"
	log "wrote $ARCHIVE (docker load -i $ARCHIVE)"
fi

if [ "$PRUNE" = 1 ]; then
	# Untagged leftovers: the build stages and images replaced by this build (vfs stores full copies).
	bah rmi --prune >/dev/null 2>&1 || true
fi

size=$(bah images --format '{{.Size}}' "$IMAGE" | head -n1)
log "image $IMAGE: $size (user $(bah inspect --type image --format '{{.OCIv1.Config.User}}' "$IMAGE"), entrypoint $(bah inspect --type image --format '{{.OCIv1.Config.Entrypoint}}' "$IMAGE"))"
