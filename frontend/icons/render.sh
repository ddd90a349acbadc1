#!/usr/bin/env sh
# Renders the app's PNG icons from their SVGs (rsvg-convert: Debian's librsvg2-bin). The PNGs are
# committed; run this again after changing an SVG.
set -eu
cd "$(dirname "$0")"
rsvg-convert -w 192 -h 192 ../icon.svg -o icon-192.png
rsvg-convert -w 512 -h 512 ../icon.svg -o icon-512.png
rsvg-convert -w 512 -h 512 maskable.svg -o maskable-512.png
rsvg-convert -w 96 -h 96 badge.svg -o badge-96.png
