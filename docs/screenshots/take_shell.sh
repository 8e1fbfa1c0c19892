#!/bin/bash
# Takes the Shell view's and the Support Buttons window's screenshots at a narrow and a wide
# size. The demo's reps may not open shells, so this runs the kit's test configuration
# instead: `tests/shot_fixture.rs` (an ignored test) starts the real server and plays the
# native customer "Sam Lee" (it allows the shell, prints a few commands on it, installs the
# Support Button); this script runs the console against it, logs in as alice, accepts the
# customer (Ctrl+Enter), clicks Shell, then Support Buttons, deploys "Printer help".
#
#   docs/screenshots/take_shell.sh
#   # writes docs/screenshots/{shell_view,support_buttons}_{1024x700,1920x1080}.png
#
# Needs Xvfb, xdotool and ImageMagick's `import`; builds the fixture and the debug console
# with cargo. The clicks are at fixed points of the console's layout at these sizes: if the
# toolbar moves, look at the shots and adjust them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/docs/screenshots
WORK=$(mktemp -d)
DISPLAY_NO=${DISPLAY_NO:-97}
cd "$ROOT"
# The fixture's test binary (building it builds the console's debug binary too).
FIXTURE_BIN=$(cargo test -p switchboard --test shot_fixture --no-run 2>&1 \
  | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
[ -x "$ROOT/$FIXTURE_BIN" ] || { echo "no fixture binary"; exit 1; }
mkdir -p "$WORK/home/.config/switchboard"
printf '{"version": 1, "theme": "light", "alerts": {"desktop_notifications": false}}\n' \
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
wait_for() { # FILE
  for _ in $(seq 300); do [ -f "$WORK/$1" ] && return; sleep 0.2; done
  echo "no $1 from the fixture:"; cat "$WORK/fixture.log"; exit 1
}
wait_for url
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
# The login form, centred at 1024x700: username, password, Enter.
xdotool mousemove 544 258 click 1; sleep 0.5; xdotool type --delay 40 alice
xdotool mousemove 544 288 click 1; sleep 0.5; xdotool type --delay 40 alice-pw
xdotool key Return
sleep 4
xdotool key ctrl+Return      # accept the customer waiting longest (Sam Lee)
sleep 3
xdotool mousemove 117 69 click 1   # Shell, beside Screen ▾
wait_for shell
shoot() { # NAME SIZE
  local w=${2%x*} h=${2#*x}
  xdotool windowsize "$WIN" "$w" "$h"
  xdotool mousemove 1919 1079
  sleep 3
  import -window root -crop "${w}x${h}+0+0" +repage "$OUT/$1_$2.png"
}
shoot shell_view 1024x700
shoot shell_view 1920x1080
# Support Buttons, after Stop shell and Shell transcript at 1920x1080; the window opens
# centred: its description field, then Deploy.
xdotool mousemove 356 69 click 1; sleep 2
xdotool mousemove 814 517 click 1; sleep 0.5; xdotool type --delay 40 "Printer help"
sleep 0.5
xdotool mousemove 614 564 click 1
wait_for button
shoot support_buttons 1920x1080
shoot support_buttons 1024x700
