"""Tables: lists of row dicts with the report layer's columns, and .to_pandas()."""


def _pandas():
    """pandas, imported only when a frame is asked for (Debian: python3-pandas)."""
    try:
        import pandas
    except ImportError as error:  # pragma: no cover - depends on the interpreter
        import sys

        raise ImportError(
            f"to_pandas() needs pandas, which {sys.executable} does not have "
            "(Debian: apt install python3-pandas, and use /usr/bin/python3)"
        ) from error
    return pandas


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
