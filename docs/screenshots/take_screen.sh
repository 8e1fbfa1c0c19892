#!/bin/bash
# Takes the Screen view's screenshots: `--demo`, Ctrl+Enter accepts the longest-waiting
# customer (the demo's first native customer, Sam Lee, on a synthetic 1920x1080 desktop),
# Screen ▾ → View screen, and the view at 1024x700 and 1920x1080.
#
#   docs/screenshots/take_screen.sh [BIN]   # writes docs/screenshots/screen_view_{1024x700,1920x1080}.png
#
# Needs Xvfb, xdotool and ImageMagick's `import`. BIN defaults to target/release/switchboard.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$ROOT/target/release/switchboard}
OUT=$ROOT/docs/screenshots
HOME_DIR=$(mktemp -d)
mkdir -p "$HOME_DIR/.config/switchboard"
printf '{"version": 1, "theme": "light", "alerts": {"desktop_notifications": false}}\n' \
  > "$HOME_DIR/.config/switchboard/prefs.json"
Xvfb :95 -screen 0 1920x1080x24 >/dev/null 2>&1 &
XVFB=$!
APP=
trap '[ -n "$APP" ] && kill $APP; kill $XVFB; rm -rf "$HOME_DIR"' EXIT
export DISPLAY=:95
sleep 1
HOME=$HOME_DIR "$BIN" --demo --seed 7 >/dev/null 2>&1 &
APP=$!
for _ in $(seq 100); do
  WIN=$(xdotool search --name Switchboard 2>/dev/null | head -1) && [ -n "$WIN" ] && break
  sleep 0.2
done
xdotool windowmove "$WIN" 0 0
xdotool windowsize "$WIN" 1920 1080
sleep "${WAIT:-15}"
xdotool windowfocus "$WIN"
xdotool key ctrl+Return       # accept the customer waiting longest (Sam Lee, native)
sleep 4
import -window root "$OUT/.screen_step1.png"
# Screen ▾ is the first thing in the session tab, top-left.
xdotool mousemove ${MENU_X:-40} ${MENU_Y:-95} click 1
sleep 1
import -window root "$OUT/.screen_step2.png"
xdotool mousemove ${VIEW_X:-60} ${VIEW_Y:-122} click 1
sleep "${STREAM_WAIT:-12}"
xdotool mousemove 1919 1079
import -window root -crop 1920x1080+0+0 +repage "$OUT/screen_view_1920x1080.png"
xdotool windowsize "$WIN" 1024 700
sleep 4
import -window root -crop 1024x700+0+0 +repage "$OUT/screen_view_1024x700.png"
