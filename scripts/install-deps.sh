#!/usr/bin/env bash
# Installs, from Debian 12's archive, whatever loopfront needs to build, test and plot that is not
# installed yet. Idempotent: when everything is present it does nothing (no apt-get update).
# Runs as root (as on a fresh machine or in CI); uses sudo only when not root and sudo exists.
set -euo pipefail

packages=(
  g++ cmake ninja-build git pkg-config
  libboost-graph-dev libtbb-dev libyaml-cpp-dev catch2 libcli11-dev libfmt-dev nlohmann-json3-dev
  libbenchmark-dev gnuplot-nox
  # The Python module (python/) and its tests and examples: Debian's python3 with these.
  pybind11-dev python3-dev python3-numpy python3-pandas python3-pytest python3-matplotlib
  # `cpack -G DEB` and its test (README, "Install"): dpkg-shlibdeps computes the Depends, and CPack
  # finds the ELF files to give it with file.
  dpkg-dev file
  # The fuzz targets (`cmake --preset fuzz`, scripts/fuzz.sh): clang with libFuzzer and the
  # sanitizer runtimes, LLVM's OpenMP for clang, and llvm-symbolizer for readable stack traces.
  clang-14 libclang-rt-14-dev libomp-14-dev llvm-14
)
if [[ "${LOOPFRONT_WITH_MPI:-0}" == 1 ]]; then
  packages+=(libopenmpi-dev openmpi-bin)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
