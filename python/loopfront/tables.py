"""Tables: lists of row dicts with the report layer's columns, and .to_pandas()."""

import os


# Where Debian's python3-pandas (and python3-numpy) live. They are built for Debian's python3; an
# interpreter of the same minor version (this module's extension loaded, so it is one: a pyenv or
# venv python3.11) can import them too.
_DEBIAN_DIST_PACKAGES = "/usr/lib/python3/dist-packages"


def _pandas():
    """pandas, imported only when a frame is asked for (Debian: python3-pandas).

    When this interpreter has no pandas of its own, Debian's is tried: its folder is appended to
    the end of sys.path (it shadows nothing already importable).
    """
    import sys

    try:
        import pandas
    except ImportError as error:
        if _DEBIAN_DIST_PACKAGES in sys.path or not os.path.isdir(_DEBIAN_DIST_PACKAGES):
            raise _missing_pandas(sys.executable) from error
        sys.path.append(_DEBIAN_DIST_PACKAGES)
        try:
            import pandas
        except ImportError as second_error:
            raise _missing_pandas(sys.executable) from second_error
    return pandas


def _missing_pandas(executable):
    return ImportError(
        f"to_pandas() needs pandas, which {executable} does not have "
        "(Debian: apt install python3-pandas, and use /usr/bin/python3)"
    )


class Table(list):
    """Rows (dicts with the same keys, in the order of `columns`), as the CLI's CSV has them.

    A plain list otherwise: index it, loop over it, len() it. `to_pandas()` gives a DataFrame with
    exactly these columns, also when there are no rows.
    """

    def __init__(self, rows=(), columns=None):
        super().__init__(rows)
        if columns is None:
            columns = list(self[0].keys()) if self else []
        self.columns = list(columns)

    def to_pandas(self):
        return _pandas().DataFrame(list(self), columns=self.columns)

    def __repr__(self):
        return f"Table({len(self)} rows: {', '.join(self.columns)})"
