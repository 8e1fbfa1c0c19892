#!/bin/bash
# Takes the Jump Clients window's screenshots at a narrow (1024x700) and a wide (1920x1080)
# size: docs/screenshots/jump_clients_1024x700.png and jump_clients_1920x1080.png. `tests/shot_jump_fixture.rs`
# (an ignored test) starts the real server with the kit's test configuration and pins five
# Jump Clients as alice (two online, one offline for three hours, one lost after 45 days,
# one pending); this script runs the console against it, logs in as alice and clicks
# "Jump Clients" in the top bar.
#
#   docs/screenshots/take_jump.sh          # PROBE=1 also keeps a shot after login
#
# Needs Xvfb, xdotool, ImageMagick's `import` and sqlite3; builds the fixture and the debug
# console with cargo. The clicks are at fixed points of the console's layout at 1024x700:
# if the top bar moves, look at the shots and adjust them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/docs/screenshots
WORK=$(mktemp -d)
DISPLAY_NO=${DISPLAY_NO:-96}
cd "$ROOT"
FIXTURE_BIN=$(cargo test -p switchboard --test shot_jump_fixture --no-run 2>&1 \
  | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
[ -x "$ROOT/$FIXTURE_BIN" ] || { echo "no fixture binary"; exit 1; }
cargo build -p switchboard --bin switchboard 2>/dev/null
mkdir -p "$WORK/home/.config/switchboard"
printf '{"version": 1, "theme": "light", "last_username": "alice", "alerts": {"desktop_notifications": false}}\n' \
  > "$WORK/home/.config/switchboard/prefs.json"
Xvfb ":$DISPLAY_NO" -screen 0 1920x1080x24 >/dev/null 2>&1 &
XVFB=$!
FIXTURE=
APP=
# Removing `url` tells the fixture to finish (it looks twice a second).
cleanup() {
  rm -f "$WORK/url"
  [ -n "$APP" ] && kill "$APP"
  [ -n "$FIXTURE" ] && wait "$FIXTURE"
  kill "$XVFB"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export DISPLAY=:$DISPLAY_NO
SHOT_DIR=$WORK "$ROOT/$FIXTURE_BIN" --ignored >"$WORK/fixture.log" 2>&1 &
FIXTURE=$!
for _ in $(seq 600); do [ -f "$WORK/url" ] && break; sleep 0.2; done
[ -f "$WORK/url" ] || { echo "no url from the fixture:"; cat "$WORK/fixture.log"; exit 1; }
HOME=$WORK/home "$ROOT/target/debug/switchboard" --server "$(cat "$WORK/url")" >/dev/null 2>&1 &
APP=$!
WIN=
for _ in $(seq 100); do
  WIN=$(xdotool search --onlyvisible --name Switchboard 2>/dev/null | head -1 || true)
  [ -n "$WIN" ] && break
  sleep 0.2
done
[ -n "$WIN" ] || { echo "the console's window did not show"; exit 1; }
xdotool windowmove "$WIN" 0 0
xdotool windowsize "$WIN" 1024 700
xdotool windowfocus "$WIN"
sleep 2
# The login form, centred at 1024x700, its username remembered (prefs): the password,
# Enter. A loaded machine can drop typed keys: typed again until the queues show.
for _ in 1 2 3; do
  xdotool mousemove 544 288 click 1; sleep 1
  xdotool key ctrl+a BackSpace; xdotool type --delay 120 alice-pw; sleep 0.5
  xdotool key Return
  sleep 5
  # Logged in once the login form's grey "Log in" button is gone from (470, 322).
  import -window root -crop 1x1+470+322 +repage txt:- | tail -1 | grep -q E6E6E6 || break
done
if [ -n "${PROBE:-}" ]; then
  import -window root -crop 1024x700+0+0 +repage /tmp/jump_probe.png
fi
# Jump Clients, in the top bar (the same place at both sizes); the window opens centred,
# sized for the console's window as it is: opened anew for each size.
jump_clients() { xdotool mousemove 318 12 click 1; }
shoot() { # NAME SIZE
  local w=${2%x*} h=${2#*x}
  xdotool windowsize "$WIN" "$w" "$h"
  sleep 2
  jump_clients
  xdotool mousemove 1919 1079
  sleep 3
  import -window root -crop "${w}x${h}+0+0" +repage "$OUT/jump_clients_$2.png"
  jump_clients   # closes it
}
shoot narrow 1024x700
shoot wide 1920x1080
# With SESSION_SHOT=<file>: also jump to "Reception desk" (online) at 1024x700 and keep a
# shot of its session tab (the header shows the jump policy), to look at.
if [ -n "${SESSION_SHOT:-}" ]; then
  xdotool windowsize "$WIN" 1024 700; sleep 2
  jump_clients; sleep 2
  xdotool mousemove 870 355 click 1; sleep 3
  xdotool mousemove 1919 1079; sleep 1
  import -window root -crop 1024x700+0+0 +repage "$SESSION_SHOT"
fi
# With PIN_SHOT=<file>: accept Sam (Ctrl+Enter: the one waiting longest), open "Pin Jump
# Client…" and keep a shot of the dialog, to look at.
if [ -n "${PIN_SHOT:-}" ]; then
  xdotool windowsize "$WIN" 1024 700; sleep 1
  xdotool mousemove 40 38 click 1; sleep 1   # the Queues tab
  xdotool key ctrl+Return; sleep 3
  xdotool mousemove "${PIN_X:-340}" 69 click 1; sleep 2
  xdotool mousemove 1919 1079; sleep 1
  import -window root -crop 1024x700+0+0 +repage "$PIN_SHOT"
fi
