#!/bin/bash
# Takes a team lead's Dashboard screenshots at a narrow (1024x700) and a wide (1920x1080)
# size: docs/screenshots/dashboard_1024x700.png and dashboard_1920x1080.png.
# `tests/shot_dashboard_fixture.rs` starts the real server (demo configuration) and the real
# console logged in as Grace, puts a hand-made dashboard with an hour of points into the
# console's model (the server cannot make an hour of points quickly) and brings the
# Dashboard to the front; this script runs it once per size and photographs the window.
#
#   docs/screenshots/take_dashboard.sh
#   SHOT_THEME=dark OUT=/tmp docs/screenshots/take_dashboard.sh   # a dark look, elsewhere
#
# Needs Xvfb, xdotool and ImageMagick's `import`; builds the fixture with cargo.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/docs/screenshots}
WORK=$(mktemp -d)
DISPLAY_NO=${DISPLAY_NO:-97}
cd "$ROOT"
FIXTURE_BIN=$(cargo test -p switchboard --test shot_dashboard_fixture --no-run 2>&1 \
  | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
[ -x "$ROOT/$FIXTURE_BIN" ] || { echo "no fixture binary"; exit 1; }
Xvfb ":$DISPLAY_NO" -screen 0 1920x1080x24 >/dev/null 2>&1 &
XVFB=$!
FIXTURE=
cleanup() {
  set +e
  [ -n "$FIXTURE" ] && kill "$FIXTURE" 2>/dev/null
  [ -n "$FIXTURE" ] && wait "$FIXTURE" 2>/dev/null
  kill "$XVFB"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export DISPLAY=:$DISPLAY_NO
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.2; done
# One run of the fixture per size: a window resized under Xvfb kept stale pixels.
shoot() { # SIZE
  local w=${1%x*} h=${1#*x}
  rm -f "$WORK/ready"
  SHOT_DIR=$WORK SHOT_SIZE=$1 HOME=$WORK "$ROOT/$FIXTURE_BIN" >"$WORK/fixture.log" 2>&1 &
  FIXTURE=$!
  local win=
  for _ in $(seq 150); do
    win=$(xdotool search --onlyvisible --name Switchboard 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.2
  done
  [ -n "$win" ] || { echo "the console's window did not show:"; cat "$WORK/fixture.log"; exit 1; }
  xdotool windowmove "$win" 0 0
  # The fixture writes `ready` once Grace is in and the Dashboard is drawn.
  for _ in $(seq 300); do [ -f "$WORK/ready" ] && break; sleep 0.2; done
  [ -f "$WORK/ready" ] || { echo "the dashboard did not show:"; cat "$WORK/fixture.log"; exit 1; }
  # In the status bar's corner, not on a control (no hover highlight, no tooltip).
  xdotool mousemove $((w - 2)) $((h - 5))
  sleep 3
  import -window root -crop "${w}x${h}+0+0" +repage "$OUT/dashboard_$1.png"
  kill "$FIXTURE"; wait "$FIXTURE" || true
  FIXTURE=
}
shoot 1024x700
shoot 1920x1080
