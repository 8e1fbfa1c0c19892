#!/bin/sh
# Renders the committed PNG icons (hicolor/<size>x<size>/switchboard.png) from switchboard.svg,
# at the sizes desktops look for. The PNGs are committed so packaging needs no SVG renderer;
# run this again after changing the SVG (needs rsvg-convert: apt-get install librsvg2-bin).
set -eu
cd "$(dirname "$0")"
for size in 16 32 48 64 128 256; do
    mkdir -p "hicolor/${size}x${size}"
    rsvg-convert --width "$size" --height "$size" switchboard.svg \
        --output "hicolor/${size}x${size}/switchboard.png"
done
