#!/usr/bin/env bash
# Builds the CodeArts Pipeline extension package dist/codearts-extension.zip:
# examples/codearts-extension/ plus bin/runner built for linux/amd64.
#
#   scripts/build-extension.sh
#   EXT_VERSION=1.2.3 scripts/build-extension.sh   # stamp another extension version (X.Y.Z)
#
# Settings (environment): PKG (Go package, default ./cmd/runner), VERSION (runner version),
# EXT_VERSION, OUT (default dist/codearts-extension.zip).
set -euo pipefail

cd "$(dirname "$0")/.."

PKG=${PKG:-./cmd/runner}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
EXT_VERSION=${EXT_VERSION:-}
OUT=${OUT:-dist/codearts-extension.zip}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

cp -R examples/codearts-extension/. "$stage/"
chmod +x "$stage/scripts/execution.sh"
CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \
	go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$stage/bin/runner" "$PKG"

if [ -n "$EXT_VERSION" ]; then
	[[ "$EXT_VERSION" =~ ^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$ ]] || {
		echo "build-extension: EXT_VERSION must be X.Y.Z with numbers 0-99, not $EXT_VERSION" >&2
		exit 2
	}
	sed -i.bak -E "s/^(  \"version\": )\"[^\"]*\"/\1\"$EXT_VERSION\"/" "$stage/codearts-extension.json"
	rm -f "$stage/codearts-extension.json.bak"
fi

mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"
out_abs="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
if command -v zip >/dev/null 2>&1; then
	(cd "$stage" && zip -q -r -X "$out_abs" .)
else
	go run ./internal/tools/zipdir "$stage" "$out_abs"
fi
echo "wrote $OUT ($(wc -c <"$OUT" | tr -d ' ') bytes, runner $VERSION)"
