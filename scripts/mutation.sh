#!/usr/bin/env bash
# Mutation testing (StrykerJS) of the engine, one folder after the other:
#   npm run mutation                 # src/orchestration, src/runs, src/agents
#   npm run mutation -- runs         # one folder
#   npm run mutation -- runs --force # every mutant again, not only what changed since the last run
# Options for Stryker go in their --name=value form (npm run mutation -- agents --concurrency=1).
# Reports: reports/mutation/<folder>.html and .json; the score table ends each folder's output.
set -euo pipefail
cd "$(dirname "$0")/.."
folders=()
options=()
for arg in "$@"; do
  case "$arg" in
    -*) options+=("$arg") ;;
    *) folders+=("$arg") ;;
  esac
done
[ ${#folders[@]} -gt 0 ] || folders=(orchestration runs agents)
for folder in "${folders[@]}"; do
  echo "== src/$folder"
  MUTATE_FOLDER="$folder" npx stryker run stryker.config.mjs "${options[@]+"${options[@]}"}"
done
