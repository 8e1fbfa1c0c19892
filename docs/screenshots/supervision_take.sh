#!/bin/bash
# Takes the screenshot of a monitored session with a whisper, as the team lead sees it:
# docs/screenshots/supervision_1024x700.png. `tests/shot_supervision_fixture.rs` (an ignored
# test) starts the real server with the demo configuration, has Alice accept Jane Doe and
# chat with her, and Grace Lin (a lead) monitor the session and whisper to Alice; this script
# runs the console against it, logs in as grace and brings the session's tab to the front
# (Ctrl+PageUp from the queues: the last tab, the only session).
#
#   docs/screenshots/supervision_take.sh          # PROBE=1 also keeps a shot after login
#
# Needs Xvfb, xdotool and ImageMagick's `import`; builds the fixture and the debug console
# with cargo. The login click is at a fixed point of the console's layout at 1024x700 (as
# in take_jump.sh): if the login form moves, look at the shots and adjust it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/docs/screenshots
WORK=$(mktemp -d)
DISPLAY_NO=${DISPLAY_NO:-97}
cd "$ROOT"
FIXTURE_BIN=$(cargo test -p switchboard --test shot_supervision_fixture --no-run 2>&1 \
  | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
[ -x "$ROOT/$FIXTURE_BIN" ] || { echo "no fixture binary"; exit 1; }
cargo build -p switchboard --bin switchboard 2>/dev/null
mkdir -p "$WORK/home/.config/switchboard"
printf '{"version": 1, "theme": "light", "last_username": "grace", "alerts": {"desktop_notifications": false}}\n' \
  > "$WORK/home/.config/switchboard/prefs.json"
Xvfb ":$DISPLAY_NO" -screen 0 1920x1080x24 >/dev/null 2>&1 &
XVFB=$!
for _ in $(seq 50); do [ -S "/tmp/.X11-unix/X$DISPLAY_NO" ] && break; sleep 0.2; done
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
# Enter. A loaded machine can drop typed keys: typed again until the console shows.
# Without a window manager the window has the keyboard only once told so, each time.
for _ in 1 2 3; do
  xdotool windowfocus "$WIN"; sleep 0.5
  xdotool mousemove 544 292 click 1; sleep 1
  xdotool key ctrl+a BackSpace; xdotool type --delay 120 grace-demo; sleep 0.5
  xdotool key Return
  sleep 5
  # Logged in once the login form's grey "Log in" button is gone from (470, 322).
  import -window root -crop 1x1+470+322 +repage txt:- | tail -1 | grep -q E6E6E6 || break
done
if [ -n "${PROBE:-}" ]; then
  import -window root -crop 1024x700+0+0 +repage /tmp/supervision_probe.png
fi
# The session's tab (the last one) in front; the pointer out of the way.
xdotool mousemove 600 400 click 1; sleep 0.5
xdotool key ctrl+Prior; sleep 2
xdotool mousemove 1919 1079; sleep 2
import -window root -crop 1024x700+0+0 +repage "$OUT/supervision_1024x700.png"
