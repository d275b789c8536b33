#!/usr/bin/env bash
# `cmake --install` into a temporary prefix gives a working, self-contained installation
# (README, "Install"):
#  - the layout: bin/loopfront, lib/libloopfront.a, the public headers with loopfront/version.h,
#    the CMake package, the man page and the documentation;
#  - no installed text file names the source or the build tree, no installed header includes
#    anything but "loopfront/…" (the source root is not a public include path), and all of them
#    compile together with only the prefix and the system's include paths;
#  - prefix/bin/loopfront runs (list, --version) from an unrelated folder;
#  - the Python package imports from prefix/lib/python3.<minor>/dist-packages (when built);
#  - a consumer project (tests/packaging/consumer) finds the package with find_package, builds
#    with plain g++ (no ccache) and prints the cycles `loopfront eval` gives for the same mapping.
#
#   install_test.sh BUILD_DIR SOURCE_DIR VERSION PYTHON_EXECUTABLE|"" PYTHON_SITE_SUFFIX|""
set -euo pipefail
build_dir=$1 source_dir=$2 version=$3 python=${4:-} python_site=${5:-}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
fail() { echo "install_test: $*" >&2; exit 1; }

cmake --install "$build_dir" --prefix "$prefix" >"$scratch/install.log" || { cat "$scratch/install.log" >&2; fail "cmake --install failed"; }

for file in bin/loopfront lib/libloopfront.a include/loopfront/version.h include/loopfront/arch/architecture.h \
            lib/cmake/loopfront/loopfrontConfig.cmake lib/cmake/loopfront/loopfrontConfigVersion.cmake \
            lib/cmake/loopfront/loopfrontTargets.cmake share/man/man1/loopfront.1 share/doc/loopfront/README.md \
            share/doc/loopfront/LICENSE share/doc/loopfront/CHANGELOG.md share/doc/loopfront/CITATION.cff \
            share/doc/loopfront/docs/python.md; do
  [[ -f $prefix/$file ]] || fail "missing $file"
done
[[ -x $prefix/bin/loopfront ]] || fail "bin/loopfront is not executable"
grep -q "^\.SS loopfront search$" "$prefix/share/man/man1/loopfront.1" || fail "the man page lacks the search command"
grep -q "PACKAGE_VERSION \"$version\"" "$prefix/lib/cmake/loopfront/loopfrontConfigVersion.cmake" ||
  fail "the package version is not $version"

# Text files only: the binaries may carry source file names in their debug or assertion strings.
leaks=$(grep -rlI -e "$source_dir" -e "$build_dir" "$prefix" || true)
[[ -z $leaks ]] || fail "installed files name the source or build tree: $leaks"
bad_includes=$(grep -rn '#include "' "$prefix/include" | grep -v '#include "loopfront/' || true)
[[ -z $bad_includes ]] || fail "installed headers include non-public paths: $bad_includes"

# Every installed header parses with only the prefix and the system's include paths.
(cd "$prefix/include" && find loopfront -name '*.h' | sort | sed 's/.*/#include "&"/') >"$scratch/all_headers.cpp"
g++ -std=c++20 -fsyntax-only -I"$prefix/include" "$scratch/all_headers.cpp" 2>"$scratch/headers.log" ||
  { cat "$scratch/headers.log" >&2; fail "the installed headers do not compile on their own"; }

cd "$scratch"
"$prefix/bin/loopfront" --version | grep -q "^loopfront $version " || fail "bin/loopfront --version is not $version"
"$prefix/bin/loopfront" list >"$scratch/list.txt" || fail "bin/loopfront list failed"
grep -q "gemmini" "$scratch/list.txt" || fail "bin/loopfront list does not name gemmini"

if [[ -n $python ]]; then
  site=$prefix/$python_site
  [[ -f $site/loopfront/__init__.py ]] || fail "the Python package is not in $python_site"
  PYTHONPATH=$site "$python" -c "
import loopfront, sys
assert loopfront.__file__.startswith('$site/'), loopfront.__file__
assert loopfront.__version__ == '$version', loopfront.__version__
assert 'gemmini' in str(loopfront.presets()), 'presets() lacks gemmini'
" || fail "the installed Python package does not import from $python_site"
fi

# The consumer: plain g++, no launcher, nothing from the build tree on its paths.
env -u CMAKE_CXX_COMPILER_LAUNCHER -u CCACHE_DIR \
  cmake -S "$source_dir/tests/packaging/consumer" -B "$scratch/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER=g++ -DCMAKE_PREFIX_PATH="$prefix" >"$scratch/consumer.log" 2>&1 ||
  { cat "$scratch/consumer.log" >&2; fail "configuring the consumer failed"; }
cmake --build "$scratch/consumer" >>"$scratch/consumer.log" 2>&1 || { cat "$scratch/consumer.log" >&2; fail "building the consumer failed"; }
if grep -qF -e "-I$source_dir" -e "-isystem $source_dir" -e "$build_dir" "$scratch/consumer/build.ninja"; then
  fail "the consumer's include paths point at the source or build tree"
fi
output=$("$scratch/consumer/loopfront_consumer")
expected="version $version cycles 1376256 "
[[ $output == "$expected"* ]] || fail "the consumer printed '$output', expected it to start with '$expected'"
echo "install_test: ok ($output)"
