#!/usr/bin/env bash
# The screen's memory, opening time and search time on a project, for one or
# more builds, alternating so that each sees the same machine: a session in
# tmux opens PROJECT; the time until its first frame; after SETTLE seconds
# (the search index is built in idle slices meanwhile) the process's peak
# and current memory from /proc (VmHWM, RssAnon: the heap; RssFile: mapped
# files); then a search for a word found in no record ("qqzzxx", typed at
# once) and the time from the last key to "No record shown matches".
# Prints each run, then the medians per build. Needs tmux; sizes are MB of
# 10^6 bytes.
#
#   scripts/screen-memory.sh PROJECT RUNS SETTLE BIN [BIN...]
#   e.g. scripts/screen-memory.sh /tmp/scale/1000000/p.ron 3 60 /tmp/before target/release/screener
#
# A project is made with `cargo bench --bench scale -- --sizes 1000000
# --keys 20 --keep --dir /tmp/scale`. SCREENER_ABSTRACTS_ON_DISK_FROM and
# other settings in the environment reach the screen.
set -euo pipefail
project=$1 runs=$2 settle=$3
shift 3
session=screen-memory-$$
env_args=()
for v in SCREENER_ABSTRACTS_ON_DISK_FROM SCREENER_RECORDS_FILE_MIN; do
    if [[ -n ${!v:-} ]]; then env_args+=("$v=${!v}"); fi
done
now() { date +%s.%N; }
one() {
    local bin=$1
    tmux kill-session -t "$session" 2>/dev/null || true
    local t0 t1 t2 t3 pid
    t0=$(now)
    tmux new -d -s "$session" -x 100 -y 30 "env ${env_args[*]:-X=} $bin screen $project --reviewer memory"
    until tmux capture-pane -p -t "$session" | grep -q " left ·"; do sleep 0.02; done
    t1=$(now)
    sleep "$settle"
    pid=$(pgrep -f "^$bin screen $project" | head -1)
    local mem
    mem=$(awk '/VmHWM|RssAnon|RssFile/ {printf "%d ", $2 * 1024 / 1e6}' "/proc/$pid/status")
    tmux send-keys -t "$session" "/"
    sleep 0.3
    tmux send-keys -t "$session" "qqzzxx"
    t2=$(now)
    until tmux capture-pane -p -t "$session" | grep -q "No record shown matches"; do sleep 0.02; done
    t3=$(now)
    tmux send-keys -t "$session" Escape
    sleep 0.3
    tmux send-keys -t "$session" q
    while pgrep -f "^$bin screen $project" >/dev/null; do sleep 0.1; done
    tmux kill-session -t "$session" 2>/dev/null || true
    # bin open_s hwm anon file search_s
    echo "$bin $(echo "$t1 - $t0" | bc) $mem $(echo "$t3 - $t2" | bc)"
}
results=$(mktemp)
printf "%-40s %8s %9s %9s %8s %9s\n" build "open s" "peak MB" "heap MB" "file MB" "search s"
for ((r = 0; r < runs; r++)); do
    for bin in "$@"; do
        one "$bin" | tee -a "$results" | awk '{printf "%-40s %8.2f %9d %9d %8d %9.2f\n", $1, $2, $3, $4, $5, $6}'
    done
done
echo "medians of $runs runs:"
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for bin in "$@"; do
    row=()
    for c in 2 3 4 5 6; do
        row+=("$(awk -v b="$bin" -v c="$c" '$1 == b { print $c }' "$results" | median)")
    done
    printf "%-40s %8.2f %9.0f %9.0f %8.0f %9.2f\n" "$bin" "${row[@]}"
done
rm -f "$results"
