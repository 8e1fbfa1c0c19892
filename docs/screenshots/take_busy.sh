#!/bin/bash
# Takes the README's first screenshots, queues.png and session.png: the console at its
# default size (1100x720, dark) against the routing server with simulated customers
# arriving fast, so the queues hold dozens (a busy pane gets the room, the others keep a few
# rows), then a session accepted with Ctrl+Enter and answered.
#
#   docs/screenshots/take_busy.sh
#
# Needs Xvfb, xdotool, ImageMagick's `import` and release builds of both programs
# (`cargo build --release -p switchboard -p switchboard-server`). Display :95, its own
# HOME and a temporary database.
set -euo pipefail
WAIT=${WAIT:-100}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/docs/screenshots
D=$(mktemp -d)
mkdir -p "$D/home/.config/switchboard"
printf '{"version": 1, "theme": "dark", "alerts": {"desktop_notifications": false}}\n' \
  > "$D/home/.config/switchboard/prefs.json"
PORT=${PORT:-18095}
"$ROOT/target/release/switchboard-server" --db "$D/db.sqlite" --listen 127.0.0.1:$PORT \
  --simulate 120 --seed 7 > "$D/server.log" 2>&1 &
SERVER=$!
Xvfb :95 -screen 0 1366x768x24 >/dev/null 2>&1 &
XVFB=$!
APP=
trap '[ -n "$APP" ] && kill $APP; kill $SERVER $XVFB; rm -rf "$D"' EXIT
export DISPLAY=:95
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done
HOME=$D/home "$ROOT/target/release/switchboard" --server http://127.0.0.1:$PORT \
  > "$D/console.log" 2>&1 &
APP=$!
for _ in $(seq 50); do
  WIN=$(xdotool search --name Switchboard 2>/dev/null | head -1) && [ -n "$WIN" ] && break
  sleep 0.2
done
xdotool windowmove "$WIN" 0 0
sleep 3
xdotool windowfocus "$WIN"
# The login screen opens with the cursor in Username.
# A pause after each key that moves the focus: keys arriving in the frame of a Tab still
# go to the field it leaves.
xdotool type --delay 80 alice; sleep 1; xdotool key Tab; sleep 1
xdotool type --delay 80 alice-demo; sleep 1; xdotool key Return
sleep "$WAIT"
xdotool mousemove 1365 767   # off the window: no row held still
sleep 3
import -window root -crop 1100x720+0+0 +repage "$OUT/queues.png"
xdotool key ctrl+Return      # accept the customer waiting longest
sleep 3
xdotool type --delay 60 "Hello, this is Alice from support. How can I help?"
xdotool key Return
sleep 20
import -window root -crop 1100x720+0+0 +repage "$OUT/session.png"
