#!/usr/bin/env bash
# Layers only point down (README, "Layers"): a file of module M may include a loopfront header of
# module N only when N is M itself or lies below M in this order:
#
#   util < io < pareto < workload < arch < mapping < timeloop < cost < search < fusion < planner
#        < report < experiment < cli
#
# The Python module (python/src/) sits beside cli, over the same library: it may include any module.
# `pareto` (the generic latency/energy front, a template over any payload) depends on nothing but
# the standard library, so it sits with the foundations. The plug-in folders sit on the layer they
# plug into: cost_models/ on `cost`, mappers/ on `search`. src/cli/ and python/src/ are the top.
#
# Reads every `#include "loopfront/<module>/..."` line of include/, src/, cost_models/, mappers/ and python/src/,
# prints each include that points up (file:line: module -> module), and exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."

layers=(util io pareto workload arch mapping timeloop cost search fusion planner report experiment cli python)
declare -A rank
for index in "${!layers[@]}"; do
  rank[${layers[$index]}]=$index
done

# The module a file belongs to, from its path.
module_of() {
  case "$1" in
    include/loopfront/*) echo "$1" | cut -d/ -f3 ;;
    src/*) echo "$1" | cut -d/ -f2 ;;
    cost_models/*) echo cost ;;
    mappers/*) echo search ;;
    python/src/*) echo python ;;
  esac
}

violations=0
while IFS= read -r file; do
  from=$(module_of "$file")
  if [[ -z "${rank[$from]+set}" ]]; then
    echo "$file: module '$from' is not in the layer order of scripts/check-layers.sh" >&2
    violations=$((violations + 1))
    continue
  fi
  while IFS=: read -r line to; do
    if [[ -z "${rank[$to]+set}" ]]; then
      echo "$file:$line: includes module '$to', which is not in the layer order" >&2
      violations=$((violations + 1))
    elif ((rank[$to] > rank[$from])); then
      echo "$file:$line: $from -> $to points up (order: ${layers[*]})" >&2
      violations=$((violations + 1))
    fi
  done < <(grep -nE '^#include "loopfront/[a-z_]+/' "$file" | sed -E 's|^([0-9]+):#include "loopfront/([a-z_]+)/.*|\1:\2|')
done < <(find include/loopfront src cost_models mappers python/src -type f \( -name '*.h' -o -name '*.cpp' \) | sort)

if ((violations > 0)); then
  echo "check-layers: $violations include(s) against the layer order" >&2
  exit 1
fi
echo "check-layers: every include points down"
