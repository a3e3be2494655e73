#!/usr/bin/env bash
# Vendors Apache ECharts from the npm registry into third_party/echarts/ at a pinned version, so
# the dashboard is embedded in the binary and `go run` works offline, on a machine without Node.
# The tarball is checked against the registry's sha512 integrity pinned below (a changed or
# tampered package fails here), and the sha256 of every file taken is written to
# third_party/echarts/CHECKSUMS; a test compares the embedded files with that list.
#
# Usage: scripts/vendor-js.sh            # re-vendor the pinned version (should change nothing)
# To upgrade: `npm view echarts version dist.integrity`, set VERSION and INTEGRITY, run, look at
# the dashboard (go test ./web/ runs it in Chromium), commit.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=6.1.0
INTEGRITY=sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA==
URL=https://registry.npmjs.org/echarts/-/echarts-$VERSION.tgz
# The browser build and the locales the dashboard speaks (ECharts ships PL, RO and LV; EN is also
# built in), with the licence and notice the Apache License asks to keep, and the licence of the
# d3 code ECharts includes.
FILES="dist/echarts.min.js i18n/langEN.js i18n/langPL.js i18n/langRO.js i18n/langLV.js LICENSE NOTICE licenses/LICENSE-d3"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/echarts.tgz" "$URL"
got="sha512-$(openssl dgst -sha512 -binary "$work/echarts.tgz" | base64 -w0)"
if [ "$got" != "$INTEGRITY" ]; then
	echo "echarts-$VERSION.tgz: integrity $got, want $INTEGRITY" >&2
	exit 1
fi
tar -xzf "$work/echarts.tgz" -C "$work"

dst=third_party/echarts
mkdir -p "$dst"
{
	echo "# Apache ECharts $VERSION from $URL"
	echo "# tarball integrity $INTEGRITY"
	echo "# tarball sha256 $(sha256sum "$work/echarts.tgz" | cut -d' ' -f1)"
	echo "# sha256 of each vendored file (written by scripts/vendor-js.sh; checked by go test ./third_party/echarts/)"
} >"$work/CHECKSUMS"
for f in $FILES; do
	test -f "$work/package/$f" || { echo "echarts-$VERSION has no $f" >&2; exit 1; }
	name=$(basename "$f")
	cp "$work/package/$f" "$dst/$name"
	echo "$(sha256sum "$dst/$name" | cut -d' ' -f1)  $name" >>"$work/CHECKSUMS"
done
echo "$VERSION" >"$dst/VERSION"
mv "$work/CHECKSUMS" "$dst/CHECKSUMS"
echo "vendored echarts $VERSION into $dst:"
cat "$dst/CHECKSUMS"
