#!/bin/bash
# Takes the console's screenshots at every size in one theme: the queues after the demo has
# run a while (many customers waiting), then a session accepted with Ctrl+Enter and
# answered (its chat has the server's line "Alice Martin accepted the session.", the rep's
# answer and the customer's reply).
#
#   docs/screenshots/take.sh light    # or dark; writes docs/screenshots/{queues,session}-WxH-THEME.png
#
# Needs Xvfb, xdotool and ImageMagick's `import`, and a release build
# (`cargo build --release`). Runs `--demo --seed 7` on display :94 with its own HOME, so
# the rep's own preferences are untouched.
set -euo pipefail
THEME=${1:?light or dark}
WAIT=${WAIT:-70}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/docs/screenshots
HOME_DIR=$(mktemp -d)
mkdir -p "$HOME_DIR/.config/switchboard"
printf '{"version": 1, "theme": "%s", "alerts": {"desktop_notifications": false}}\n' "$THEME" \
  > "$HOME_DIR/.config/switchboard/prefs.json"
Xvfb :94 -screen 0 2560x1440x24 >/dev/null 2>&1 &
XVFB=$!
APP=
trap '[ -n "$APP" ] && kill $APP; kill $XVFB; rm -rf "$HOME_DIR"' EXIT
export DISPLAY=:94
sleep 1
HOME=$HOME_DIR "$ROOT/target/release/switchboard" --demo --seed 7 >/dev/null 2>&1 &
APP=$!
for _ in $(seq 50); do
  WIN=$(xdotool search --name Switchboard 2>/dev/null | head -1) && [ -n "$WIN" ] && break
  sleep 0.2
done
xdotool windowmove "$WIN" 0 0
SIZES="1024x700 1366x768 1920x1080 2560x1440"
shoot() { # KIND SIZE
  local w=${2%x*} h=${2#*x}
  xdotool windowsize "$WIN" "$w" "$h"
  # The pointer off the queues, so no row is held still.
  xdotool mousemove 2559 1439
  sleep 3
  import -window root -crop "${w}x${h}+0+0" +repage "$OUT/$1-$2-$THEME.png"
}
sleep "$WAIT"
for size in $SIZES; do shoot queues "$size"; done
xdotool windowfocus "$WIN"
xdotool key ctrl+Return   # accept the customer waiting longest
sleep 3                   # the tab comes forward with the cursor in the message box
xdotool type --delay 60 "Hello, I can help with that. Which plan are you on now?"
xdotool key Return
sleep 20                  # the simulated customer answers
for size in $SIZES; do shoot session "$size"; done
