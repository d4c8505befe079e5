#!/usr/bin/env bash
# kill -9 soak: opens the screen on a synthetic project again and again,
# decides a few records, and kills it with SIGKILL at a random moment (right
# after a key, inside a checkpoint, or idle), then checks with
# `screener status` that every decision the last whole frame showed as
# saved is in the project, and that the project opens. Checkpoints are made
# frequent (SCREENER_CHECKPOINT_IDLE_MS of 0, 20 or 200) so kills land in
# them. Prints one line per kill and a summary; exits non-zero on any loss.
#
#   scripts/soak.sh [KILLS=200] [RECORDS=5000] [SEED=1]
set -euo pipefail
cd "$(dirname "$0")/.."
export SOAK_KILLS="${1:-200}" SOAK_RECORDS="${2:-5000}" SOAK_SEED="${3:-1}"
exec cargo test --release --test store_kill soak -- --ignored --nocapture
