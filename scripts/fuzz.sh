#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] [TARGET...]: runs each libFuzzer target of tests/fuzz/ (all of them by
# default) for SECONDS (default 60), one after the other, one process at a time.
#
# Builds the `fuzz` preset (clang 14, ASan + UBSan, build-fuzz/) first when needed. Each target
# starts from a working copy of its corpus (build-fuzz/fuzz-work/corpus/TARGET/: the committed seeds
# of tests/fuzz/corpus/TARGET/ plus the files of the tree that fit it: presets, experiments, the
# bad-input cases, ../shared/validation), so the committed corpus is never written; the working copy
# is kept between runs and grows. Exits 1 when a target finds something (a crash, a hang of more
# than 10 s, an uncaught exception other than ConfigError, a sanitizer report, running out of
# memory), printing the path of the input that shows it (build-fuzz/fuzz-work/artifacts/TARGET/);
# tests/fuzz/README.md says what to do with it.
#
# Environment: LOOPFRONT_FUZZ_WORK (the working folder), LOOPFRONT_FUZZ_NICE (niceness, default 10),
# LOOPFRONT_FUZZ_SEED (libFuzzer's -seed; default 0, a new random seed each run; .ci/run fixes it so
# that a CI run explores the same inputs, up to how many fit in the time, on every machine),
# LOOPFRONT_FUZZ_TIMEOUT (seconds of one input before it counts as a hang, default 10: libFuzzer
# measures wall time, so raise it on a machine busy with other work, or a starved input looks hung).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-60}
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -lt 1 ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
  exit 2
fi

if [[ ! -f build-fuzz/build.ninja ]]; then
  cmake --preset fuzz >/dev/null
fi
cmake --build --preset fuzz

work=${LOOPFRONT_FUZZ_WORK:-$root/build-fuzz/fuzz-work}
mkdir -p "$work"
shared=$root/../shared/validation

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for fuzzer in build-fuzz/fuzz/fuzz_*; do
    targets+=("${fuzzer#build-fuzz/fuzz/fuzz_}")
  done
fi

# Copies the files given into the corpus folder $1 (missing ones are skipped: a glob that matches
# nothing, or no ../shared).
add_seeds() {
  local corpus=$1
  shift
  local file
  for file in "$@"; do
    if [[ -f "$file" ]]; then
      cp "$file" "$corpus/seed_$(echo "$file" | tr '/' '_')"
    fi
  done
}

# A Timeloop input folder as one file (the importer merges the files' top-level keys).
add_timeloop_folders() {
  local corpus=$1
  shift
  local folder
  for folder in "$@"; do
    if [[ -d "$folder" ]] && compgen -G "$folder/*.yaml" >/dev/null; then
      cat "$folder"/*.yaml >"$corpus/seed_folder_$(basename "$folder").yaml"
    fi
  done
}

seed_from_tree() {
  local target=$1 corpus=$2
  shopt -s nullglob
  case "$target" in
    yaml) add_seeds "$corpus" workloads/*.yaml architectures/*.yaml experiments/*.yaml experiments/*/*.yaml tests/bad_inputs/*.yaml ;;
    workload) add_seeds "$corpus" workloads/*.yaml tests/bad_inputs/workload_*.yaml tests/bad_inputs/document_*.yaml ;;
    oplist) add_seeds "$corpus" workloads/examples/*.yaml tests/bad_inputs/oplist_*.yaml ;;
    arch) add_seeds "$corpus" architectures/*.yaml tests/bad_inputs/arch_*.yaml ;;
    mapping) add_seeds "$corpus" experiments/mappings/*.yaml tests/bad_inputs/mapping_*.yaml ;;
    constraints) add_seeds "$corpus" tests/bad_inputs/constraints_*.yaml tests/data/timeloop/constraints_*/*.yaml ;;
    experiment) add_seeds "$corpus" experiments/*.yaml experiments/*/*.yaml tests/bad_inputs/experiment_*.yaml ;;
    timeloop)
      add_seeds "$corpus" tests/data/timeloop/*.yaml tests/bad_inputs/timeloop_*.yaml
      add_timeloop_folders "$corpus" tests/data/timeloop/*/ "$shared"/timeloop-inputs/*/
      ;;
    hf) add_seeds "$corpus" tests/data/hf/*.json tests/bad_inputs/hf_*.json ;;
    crosscheck) add_seeds "$corpus" "$shared"/timeloop/*.json tests/bad_inputs/crosscheck_*.json ;;
    point) add_seeds "$corpus" tests/golden/*/files/points/*.json ;;
    csv) add_seeds "$corpus" tests/golden/*/files/*.csv ;;
  esac
  shopt -u nullglob
}

findings=()
for target in "${targets[@]}"; do
  fuzzer=build-fuzz/fuzz/fuzz_$target
  if [[ ! -x "$fuzzer" ]]; then
    echo "fuzz.sh: no fuzz target '$target' (built: $(ls build-fuzz/fuzz | sed 's/^fuzz_//' | tr '\n' ' '))" >&2
    exit 2
  fi
  corpus=$work/corpus/$target
  artifacts=$work/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  if compgen -G "tests/fuzz/corpus/$target/*" >/dev/null; then
    cp tests/fuzz/corpus/"$target"/* "$corpus"/
  fi
  seed_from_tree "$target" "$corpus"
  before=$(find "$corpus" -type f | wc -l)
  dict=()
  if [[ -f tests/fuzz/dict/$target.dict ]]; then
    dict=(-dict="tests/fuzz/dict/$target.dict")
  fi
  echo "+ fuzz $target for ${seconds}s (corpus: $before files)"
  log=$work/$target.log
  # -max_len 64 KiB: inputs long enough for any loader's structure, short enough that nesting depth
  # (a limit of the readers, DESIGN §4) does not take all the time. -timeout: a hang is a finding.
  # -rss_limit_mb: an input that makes loopfront allocate gigabytes is a finding too.
  status=0
  TMPDIR=$work nice -n "${LOOPFRONT_FUZZ_NICE:-10}" "$fuzzer" "${dict[@]}" -max_total_time="$seconds" -seed="${LOOPFRONT_FUZZ_SEED:-0}" \
    -max_len=65536 -timeout="${LOOPFRONT_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
  after=$(find "$corpus" -type f | wc -l)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  echo "  $target: ${runs:-?} inputs run, corpus $before -> $after files ($(du -sh "$corpus" | cut -f1))"
  if [[ $status -ne 0 ]]; then
    artifact=$(grep -o "Test unit written to .*" "$log" | sed 's/^Test unit written to //' | tail -1 || true)
    echo "  $target: FINDING (exit $status): ${artifact:-see $log}" >&2
    grep -m1 -E "ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error|loopfront fuzz finding" "$log" >&2 || true
    findings+=("$target: ${artifact:-$log}")
  fi
done

if [[ ${#findings[@]} -gt 0 ]]; then
  echo "fuzz.sh: ${#findings[@]} finding(s):" >&2
  printf '  %s\n' "${findings[@]}" >&2
  echo "  reproduce: build-fuzz/fuzz/fuzz_TARGET FILE; keep it: tests/fuzz/README.md" >&2
  exit 1
fi
echo "fuzz.sh: no findings"
