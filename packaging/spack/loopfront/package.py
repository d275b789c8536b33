# A Spack recipe for loopfront (README, "Install"), written for Spack 0.2x (`from spack.package
# import *`). packaging/spack/ is a package repository with this one package:
#
#   spack repo add packaging/spack && spack install loopfront+python
#
# tests/packaging/test_spack_recipe.py checks the variants and dependencies below against the
# options and find_package calls of CMakeLists.txt.
import os

from spack.package import *


class Loopfront(CMakePackage):
    """Pareto-optimal mappings (latency vs energy) of Transformer ops on DNN accelerators.

    loopfront searches the mappings of every operation of a Transformer onto a DNN accelerator
    (tiles per memory level, loop orders, spatial unrolling, fusion of neighbouring ops) with an
    analytical cost model, and gives Pareto fronts of latency versus energy per op and for the
    whole model. It installs the command loopfront, the static library loopfront with its CMake
    package (loopfront::loopfront) and, with +python, the Python module loopfront.
    """

    # The project has no published home page or repository yet: whoever publishes loopfront must
    # set `homepage` and point `git` at the published repository. Until then the recipe builds the
    # git checkout it sits in (packaging/spack/loopfront/ is three folders below its root), so it
    # works from a clone through `spack repo add packaging/spack`; a copy of this file in another
    # Spack repository must set `git` by hand.
    git = "file://" + os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

    license("MIT")

    version("main", branch="main")

    variant("mpi", default=False, description="Build the MPI runner of `loopfront run` (LOOPFRONT_MPI)")
    variant("python", default=True, description="Build the Python module loopfront (LOOPFRONT_PYTHON)")

    depends_on("cxx", type="build")
    depends_on("cmake@3.25:", type="build")

    depends_on("boost@1.74:+graph")
    depends_on("tbb")
    depends_on("yaml-cpp@0.7:")
    depends_on("cli11")
    depends_on("fmt")
    depends_on("nlohmann-json@3:")
    depends_on("mpi", when="+mpi")

    # The module is an extension of the interpreter it is built for; numpy and pandas are only
    # imported when a result is asked for as an array or a DataFrame.
    extends("python", when="+python")
    depends_on("python@3.8:", type=("build", "link", "run"), when="+python")
    depends_on("py-pybind11@2.6:", type="build", when="+python")
    depends_on("py-numpy", type="run", when="+python")
    depends_on("py-pandas", type="run", when="+python")

    depends_on("catch2@2", type="test")
    depends_on("py-pytest", type="test", when="+python")

    def cmake_args(self):
        args = [
            self.define_from_variant("LOOPFRONT_MPI", "mpi"),
            self.define_from_variant("LOOPFRONT_PYTHON", "python"),
            self.define("LOOPFRONT_BUILD_TESTS", self.run_tests),
            self.define("LOOPFRONT_BUILD_BENCH", False),
        ]
        if self.spec.satisfies("+python"):
            # The interpreter Spack built against, and its site-packages under this prefix
            # (Debian's dist-packages layout is the default only outside Spack).
            python = self.spec["python"]
            args.append(self.define("Python3_EXECUTABLE", python.command.path))
            args.append(self.define("LOOPFRONT_PYTHON_INSTALL_DIR", python.package.platlib))
        return args
