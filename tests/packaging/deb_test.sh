#!/usr/bin/env bash
# `cpack -G DEB` makes a .deb that installs under /usr and works on its own (README, "Install"):
#  - dpkg-deb -I: Package loopfront, Version, Depends naming the shared libraries
#    (dpkg-shlibdeps: libyaml-cpp, libtbb) and python3 (when the module is built), and Suggests
#    naming the -dev packages a C++ consumer of the CMake package needs;
#  - dpkg-deb -c: usr/bin/loopfront, the man page, and the module in usr/lib/python3/dist-packages;
#  - extracted with dpkg-deb -x into a temporary folder, usr/bin/loopfront list runs there and the
#    module imports from it, so nothing points back at the build or source tree.
# cpack writes its staging tree and the package into a scratch folder, not into the build tree.
#
#   deb_test.sh BUILD_DIR VERSION PYTHON_EXECUTABLE|""
set -euo pipefail
build_dir=$1 version=$2 python=${3:-}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "deb_test: $*" >&2; exit 1; }

(cd "$scratch" && cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1) ||
  { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
debs=("$scratch"/out/loopfront_"$version"_*.deb)
[[ -f ${debs[0]} ]] || fail "no loopfront_${version}_*.deb in $(ls "$scratch/out")"
deb=${debs[0]}

info=$(dpkg-deb -I "$deb")
field() { awk -v key="$1:" '$1 == key { $1 = ""; sub(/^ /, ""); print }' <<<"$info"; }
[[ $(field Package) == loopfront ]] || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] || fail "Version is '$(field Version)', expected $version"
depends=$(field Depends)
for library in libyaml-cpp libtbb libstdc++6 libgomp1; do
  grep -q "$library" <<<"$depends" || fail "Depends lacks $library: $depends"
done

suggests=$(field Suggests)
for package in libboost-graph-dev libtbb-dev libyaml-cpp-dev libfmt-dev nlohmann-json3-dev; do
  grep -q "$package" <<<"$suggests" || fail "Suggests lacks $package (the CMake package's dependencies): $suggests"
done

contents=$(dpkg-deb -c "$deb")
for file in ./usr/bin/loopfront ./usr/lib/libloopfront.a ./usr/include/loopfront/version.h \
            ./usr/lib/cmake/loopfront/loopfrontConfig.cmake ./usr/share/man/man1/loopfront.1 \
            ./usr/share/doc/loopfront/LICENSE; do
  grep -q " $file\$" <<<"$contents" || fail "the package lacks $file"
done

root=$scratch/root
dpkg-deb -x "$deb" "$root"
cd "$scratch"
"$root/usr/bin/loopfront" list >"$scratch/list.txt" || fail "the extracted usr/bin/loopfront list failed"
grep -q gemmini "$scratch/list.txt" || fail "the extracted loopfront list does not name gemmini"

if [[ -n $python ]]; then
  grep -q "python3" <<<"$depends" || fail "Depends lacks python3: $depends"
  for file in __init__.py tables.py; do
    grep -q " ./usr/lib/python3/dist-packages/loopfront/$file\$" <<<"$contents" || fail "the package lacks the module's $file"
  done
  grep -q " ./usr/lib/python3/dist-packages/loopfront/_loopfront\..*\.so\$" <<<"$contents" || fail "the package lacks the extension"
  PYTHONPATH=$root/usr/lib/python3/dist-packages "$python" -c "
import loopfront
assert loopfront.__file__.startswith('$root/'), loopfront.__file__
assert loopfront.__version__ == '$version', loopfront.__version__
" || fail "the extracted module does not import"
fi
echo "deb_test: ok ($(basename "$deb"); Depends: $depends)"
