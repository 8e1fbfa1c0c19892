#!/bin/bash
# The console's CPU under Xvfb with nothing to do but its timers, 30 s per state: idle, a
# push offer counting down, a toast (a customer waiting in the personal queue), a flashing
# tab (with its toast). Reads utime + stime of the console process from /proc/PID/stat.
#
#   Xvfb :91 -screen 0 1366x768x24 &
#   benches/idle_cpu.sh target/release/switchboard target/release/switchboard-server after
#
# Needs xdotool (it logs in and presses the keys a rep would), bc, and ImageMagick's
# `import` for a screenshot of each state (in the run's directory, to check it was reached).
# The server runs the demo configuration with Alice also in the push team Sales and 600 s to
# answer an offer; customers are the server's terminal customer.
set -u
BIN=$(realpath "$1"); SERVER=$(realpath "$2"); LABEL=$3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=${TMPDIR:-/tmp}/switchboard-idle-cpu-$LABEL; rm -rf "$D"; mkdir -p "$D/home"
export DISPLAY=${DISPLAY:-:91}
PORT=18091
TCK=$(getconf CLK_TCK)
sed -e 's/^offer_answer_secs = .*/offer_answer_secs = 600/' \
    -e 's/^teams = \["billing", "tech"\]$/teams = ["billing", "tech", "sales"]/' \
    "$ROOT/server-stub/demo.toml" > "$D/config.toml"
"$SERVER" --config "$D/config.toml" --db "$D/db.sqlite" --listen 127.0.0.1:$PORT --simulate 0 \
  > "$D/server.log" 2>&1 &
SPID=$!
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done
# No desktop notification service: alerts become toasts in the window.
HOME=$D/home XDG_CONFIG_HOME=$D/home/.config XDG_DATA_HOME=$D/home/.local \
  DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent \
  "$BIN" --server http://127.0.0.1:$PORT > "$D/console.log" 2>&1 &
CPID=$!
sleep 8
xdotool windowfocus "$(xdotool search --name Switchboard | head -1)"
xdotool mousemove 582 262 click 1; sleep 1            # Username
xdotool type --delay 80 alice; sleep 1
xdotool mousemove 582 292 click 1; sleep 1            # Password
xdotool type --delay 80 alice-demo; sleep 1; xdotool key Return
sleep 8
cpu() { awk '{print $14+$15}' "/proc/$CPID/stat"; }
shot=0
sample() {
  shot=$((shot + 1)); import -window root "$D/state-$shot.png" 2>/dev/null
  local a b; a=$(cpu); sleep 30; b=$(cpu)
  echo "$LABEL | $1 | $(echo "scale=1; ($b-$a)*100/($TCK*30)" | bc) % of a core"
}
customer() { # NAME FIFO ROUTE...: a terminal customer typing what is written to FIFO
  local name=$1 fifo=$2; shift 2
  mkfifo "$fifo"
  "$SERVER" customer --server http://127.0.0.1:$PORT --name "$name" "$@" < "$fifo" > "$fifo.log" 2>&1 &
}
sample "idle, logged in, queues empty"
customer "Olive Offer" "$D/olive" --team sales; exec 7<>"$D/olive"
sleep 4
sample "a push offer counting down"
exec 7>&-                                             # Olive leaves: the offer ends
sleep 3
customer "Pat Personal" "$D/pat" --rep alice; exec 8<>"$D/pat"
sleep 4
sample "a toast (New chat for you), Pat waiting in the personal queue"
xdotool mousemove 1000 700; xdotool key ctrl+Return   # accept the longest-waiting: Pat
sleep 4
xdotool key ctrl+Prior                                # back to the queues
sleep 2
echo "Hello, anyone there?" >&8
sleep 4
sample "a flashing tab (Pat wrote) with its toast"
kill "$CPID" "$SPID" 2>/dev/null; wait "$CPID" "$SPID" 2>/dev/null
exec 8>&-
