#!/usr/bin/env bash
# Builds loopfront in Release (build-bench/ beside the sources) and runs every benchmark of
# bench/, single-threaded. Extra arguments go to each benchmark binary, e.g.
#   bench/run.sh --benchmark_filter=Dataflow --benchmark_repetitions=5
set -euo pipefail
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${LOOPFRONT_BENCH_BUILD_DIR:-${source_dir}/build-bench}"
cmake -S "${source_dir}" -B "${build_dir}" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOOPFRONT_BUILD_BENCH=ON \
  -DLOOPFRONT_BUILD_TESTS=OFF >/dev/null
cmake --build "${build_dir}" -j"$(nproc)"
status=0
for bench in "${build_dir}"/bench/*; do
  [[ -x "${bench}" && -f "${bench}" ]] || continue
  echo "== $(basename "${bench}")"
  "${bench}" --benchmark_counters_tabular=true "$@" || status=$?
done
exit "${status}"
