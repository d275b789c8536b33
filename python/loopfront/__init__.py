"""loopfront: search the mappings of Transformer ops on DNN accelerators (docs/python.md).

A thin, stable surface over the library the `loopfront` command uses: the same presets, names
and units (latency in cycles, energy in pJ, EDP in pJ x cycles), the same seeds giving the same
fronts. Results are plain dicts and lists; tables have `.to_pandas()` (pandas is needed only then).
"""

from ._loopfront import (  # noqa: F401  (re-exported)
    Architecture,
    ConfigError,
    Constraints,
    InternalError,
    Mapspace,
    Op,
    Searcher,
    Workload,
    __version__,
    analyze,
    evaluate,
    evaluate_many,
    from_timeloop,
    git_commit,
    max_input_bytes,
    presets,
    run,
    searcher,
)
from .tables import Table  # noqa: F401
from .results import ModelResult, SearchResult, read_results, search, search_model  # noqa: F401
