"""packaging/spack/loopfront/package.py, loaded under a stand-in for Spack's `spack.package`
module that records every directive, agrees with the build: each variant switches a real CMake
option of CMakeLists.txt through cmake_args, and each find_package of the build has its Spack
dependency with the same minimum version and the right dependency type."""

import importlib.util
import pathlib
import re
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
RECIPE = ROOT / "packaging" / "spack" / "loopfront" / "package.py"


class Recorder:
    """The directives a Spack package class calls in its body, recorded in call order."""

    def __init__(self):
        self.calls = []

    def directive(self, name):
        def record(*args, **kwargs):
            self.calls.append((name, args, kwargs))

        return record

    def of(self, name):
        return [(args, kwargs) for directive, args, kwargs in self.calls if directive == name]


class FakeSpec:
    """Enough of spack.spec.Spec for cmake_args: variant values, satisfies("+v"), spec["python"]."""

    def __init__(self, variants):
        self.variants = variants

    def satisfies(self, constraint):
        match = re.fullmatch(r"([+~])(\w+)", constraint)
        assert match, f"the fake spec only answers +variant/~variant, got {constraint!r}"
        return self.variants[match.group(2)] == (match.group(1) == "+")

    def __getitem__(self, name):
        assert name == "python", name
        return types.SimpleNamespace(
            command=types.SimpleNamespace(path="/spack/python/bin/python3"),
            package=types.SimpleNamespace(platlib="lib/python3.11/site-packages"),
        )


def load_recipe():
    recorder = Recorder()

    class CMakePackage:
        def define(self, name, value):
            if isinstance(value, bool):
                value = "ON" if value else "OFF"
            return f"-D{name}={value}"

        def define_from_variant(self, name, variant):
            return self.define(name, self.spec.variants[variant])

    package = types.ModuleType("spack.package")
    package.CMakePackage = CMakePackage
    for name in ("version", "variant", "depends_on", "extends", "license", "maintainers", "conflicts"):
        setattr(package, name, recorder.directive(name))
    package.__all__ = [name for name in vars(package) if not name.startswith("_")]
    spack = types.ModuleType("spack")
    spack.package = package
    saved = {name: sys.modules.get(name) for name in ("spack", "spack.package")}
    sys.modules.update({"spack": spack, "spack.package": package})
    try:
        spec = importlib.util.spec_from_file_location("loopfront_spack_recipe", RECIPE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        for name, old in saved.items():
            if old is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old
    return module.Loopfront, recorder


def cmake_text(relative):
    return (ROOT / relative).read_text()


@pytest.fixture(scope="module")
def recipe():
    return load_recipe()


def dependencies(recorder):
    """{spec string: (type, when)} of every depends_on."""
    found = {}
    for args, kwargs in recorder.of("depends_on"):
        found[args[0]] = (kwargs.get("type", ("build", "link")), kwargs.get("when"))
    return found


def test_it_is_a_cmake_package_building_the_main_branch_of_this_checkout(recipe):
    cls, recorder = recipe
    assert cls.__name__ == "Loopfront" and cls.__mro__[1].__name__ == "CMakePackage"
    assert recorder.of("version") == [(("main",), {"branch": "main"})]
    assert cls.git == "file://" + str(ROOT)
    assert (ROOT / "CMakeLists.txt").read_text().count("project(loopfront") == 1
    assert recorder.of("license") == [(("MIT",), {})]
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert not hasattr(cls, "homepage"), "a homepage must be real: set it when loopfront is published"


def test_packaging_spack_is_a_flat_spack_repository_holding_the_recipe():
    text = (ROOT / "packaging" / "spack" / "repo.yaml").read_text()
    assert re.search(r"^repo:\n  namespace: loopfront\n  subdirectory: ''$", text, re.M), text
    assert RECIPE.parent.name == "loopfront" and RECIPE.parent.parent == ROOT / "packaging" / "spack"


def test_variants_are_mpi_off_and_python_on_and_name_real_cmake_options(recipe):
    _, recorder = recipe
    variants = {args[0]: kwargs["default"] for args, kwargs in recorder.of("variant")}
    assert variants == {"mpi": False, "python": True}
    top = cmake_text("CMakeLists.txt")
    for option in ("LOOPFRONT_MPI", "LOOPFRONT_PYTHON", "LOOPFRONT_BUILD_TESTS", "LOOPFRONT_BUILD_BENCH"):
        assert re.search(rf"^option\({option} ", top, re.M), option
    assert "LOOPFRONT_PYTHON_INSTALL_DIR" in cmake_text("python/CMakeLists.txt")


@pytest.mark.parametrize("mpi", [False, True])
@pytest.mark.parametrize("python", [False, True])
def test_cmake_args_follow_the_variants(recipe, mpi, python):
    cls, _ = recipe
    package = cls()
    package.spec = FakeSpec({"mpi": mpi, "python": python})
    package.run_tests = False
    args = package.cmake_args()
    on = {True: "ON", False: "OFF"}
    assert f"-DLOOPFRONT_MPI={on[mpi]}" in args
    assert f"-DLOOPFRONT_PYTHON={on[python]}" in args
    assert "-DLOOPFRONT_BUILD_TESTS=OFF" in args and "-DLOOPFRONT_BUILD_BENCH=OFF" in args
    python_args = {"-DPython3_EXECUTABLE=/spack/python/bin/python3",
                   "-DLOOPFRONT_PYTHON_INSTALL_DIR=lib/python3.11/site-packages"}
    assert python_args <= set(args) if python else not python_args & set(args)


def test_every_find_package_of_the_build_is_a_dependency_with_its_minimum_version(recipe):
    _, recorder = recipe
    declared = dependencies(recorder)
    build_and_link = ("build", "link")
    # find_package name in CMakeLists.txt -> the Spack spec, its type and its condition. OpenMP is
    # the compiler's (depends_on("cxx")), not a package.
    expected = {
        "Boost": ("boost@1.74:+graph", build_and_link, None),
        "TBB": ("tbb", build_and_link, None),
        "yaml-cpp": ("yaml-cpp@0.7:", build_and_link, None),
        "CLI11": ("cli11", build_and_link, None),
        "fmt": ("fmt", build_and_link, None),
        "nlohmann_json": ("nlohmann-json@3:", build_and_link, None),
        "MPI": ("mpi", build_and_link, "+mpi"),
    }
    top = cmake_text("CMakeLists.txt")
    found = re.findall(r"^\s*find_package\((\S+)(?: (\d+(?:\.\d+)*))?", top, re.M)
    names = {name for name, _ in found} - {"OpenMP", "benchmark"}
    assert names == set(expected), names
    for name, minimum in found:
        if name not in expected:
            continue
        spec, kind, when = expected[name]
        assert declared.get(spec) == (kind, when), (name, spec, declared.get(spec))
        if minimum:
            assert f"@{minimum}:" in spec, (name, minimum, spec)
    assert declared["cxx"] == ("build", None)
    minimum_cmake = re.search(r"cmake_minimum_required\(VERSION (\d+\.\d+)", top).group(1)
    assert declared[f"cmake@{minimum_cmake}:"] == ("build", None)


def test_python_and_test_dependencies(recipe):
    _, recorder = recipe
    declared = dependencies(recorder)
    assert recorder.of("extends") == [(("python",), {"when": "+python"})]
    assert declared["python@3.8:"] == (("build", "link", "run"), "+python")
    pybind11_minimum = re.search(r"find_package\(pybind11 (\d+\.\d+)", cmake_text("python/CMakeLists.txt")).group(1)
    assert declared[f"py-pybind11@{pybind11_minimum}:"] == ("build", "+python")
    assert declared["py-numpy"] == ("run", "+python")
    assert declared["py-pandas"] == ("run", "+python")
    catch2_major = re.search(r"find_package\(Catch2 (\d+)", cmake_text("tests/CMakeLists.txt")).group(1)
    assert declared[f"catch2@{catch2_major}"] == ("test", None)
    assert declared["py-pytest"] == ("test", "+python")
