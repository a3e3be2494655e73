#!/usr/bin/env bash
# Screenshots of the demo report in every language, with headless Chromium (Debian's chromium
# package, installed here when missing). Usage: scripts/screenshots.sh [OUTDIR] [CUSTOMERS]
# Each language gives OUTDIR/LANG/first.png (the first screen, 1100x1400), OUTDIR/LANG/full.png
# and readable 1100x1600 parts OUTDIR/LANG/part_NN.png; the page height is printed (the detail
# sections are collapsed, as a reader first sees them).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-screenshots}")
customers=${2:-5000}
height=${HEIGHT:-20000}

if ! command -v chromium >/dev/null; then
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/fidelis" ./cmd/fidelis
go build -o "$work/pngsplit" ./scripts/pngsplit
mkdir -p "$out"
for lang in en pl ro lv; do
	dir="$work/$lang"
	mkdir -p "$dir" "$out/$lang"
	"$work/fidelis" demo --customers "$customers" --dir "$dir" --lang "$lang" >/dev/null 2>&1
	cp "$dir/fidelis-demo-report.html" "$out/$lang/report.html"
	profile=$(mktemp -d)
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --hide-scrollbars --window-size=1100,"$height" \
		--screenshot="$out/$lang/full.png" "file://$dir/fidelis-demo-report.html" 2>"$work/chromium-$lang.log" || { tail -5 "$work/chromium-$lang.log" >&2; exit 1; }
	rm -rf "$profile"
	profile=$(mktemp -d)
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --hide-scrollbars --window-size=1100,1400 \
		--screenshot="$out/$lang/first.png" "file://$dir/fidelis-demo-report.html" 2>>"$work/chromium-$lang.log" || { tail -5 "$work/chromium-$lang.log" >&2; exit 1; }
	rm -rf "$profile"
	# Cut it into screen-sized parts, below the page trimmed. ImageMagick does it when the page
	# is under its 16384-pixel policy limit (convert full.png -crop 1100x1600 +repage part_%02d.png);
	# the Go splitter has no such limit.
	rm -f "$out/$lang"/part_*.png
	echo -n "$lang: "
	"$work/pngsplit" -h 1600 "$out/$lang/full.png" "$out/$lang"
done
