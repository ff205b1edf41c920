#!/usr/bin/env bash
# Keep one process of `make run` running: restart it with back-off (1 s doubling to 30 s, reset
# after a minute of running) whenever it exits. honcho stops every process when one exits, so the
# worker and beat run under this loop: their exit no longer takes the web server down with them.
# SIGTERM/SIGINT (Ctrl-C on `make run`) stop the child and the loop.
set -u
child=0
stop() {
  trap - TERM INT
  [ "$child" -ne 0 ] && kill -TERM "$child" 2>/dev/null && wait "$child"
  exit 0
}
trap stop TERM INT
delay=1
while true; do
  started=$(date +%s)
  "$@" &
  child=$!
  wait "$child"
  status=$?
  child=0
  [ $(( $(date +%s) - started )) -ge 60 ] && delay=1
  echo "respawn: '$*' exited with status $status; restarting in ${delay}s" >&2
  sleep "$delay" &
  wait $!
  delay=$(( delay * 2 > 30 ? 30 : delay * 2 ))
done
