#!/usr/bin/env bash
# Benchmarks one hook of an example charm run end to end as a process (release build):
# hook-tool calls by tool, Pebble requests, wall time, peak RSS, binary size.
#
#   tests/bench/run.sh [package] [hook] [runs]
#   tests/bench/run.sh flask-k8s config-changed 20      # the defaults
#   tests/bench/run.sh go-k8s config-changed            # another example: one word
#   tests/bench/run.sh go-k8s config-changed 20 --no-migration --empty-tmp   # the other situation
#
# hook: config-changed | pebble-ready | update-status | postgresql-relation-changed
set -euo pipefail
cd "$(dirname "$0")/../.."
package=${1:-flask-k8s}
hook=${2:-config-changed}
runs=${3:-20}
shift $(( $# < 3 ? $# : 3 ))   # the rest: --no-migration, --empty-tmp

# Peak RSS comes from GNU time's -v report.
if [ ! -x /usr/bin/time ] && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq time
  else sudo apt-get update -qq && sudo apt-get install -y -qq time; fi
fi

cargo run --release --quiet -p paas-charm-e2e --bin paas-charm-bench -- \
  "$package" "$hook" --runs "$runs" "$@"
