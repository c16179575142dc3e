"""Content-addressed cache under ``data/cache/``: what a step made, by the hash of what it was made from.

A key is the hash of the step's inputs; a :class:`Store` is versioned by the hash of the code and
resources the step depends on (:func:`code_version`), so a change of code, dictionary or taxonomy
invalidates exactly the steps that use them, and older versions are deleted. Each store is one
SQLite file (``<kind>-<version>.sqlite``): lookups and additions touch only the rows concerned.
"""
from __future__ import annotations

import ast
import hashlib
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from . import codebook

_PACKAGE = resources.files("ipcompare")


def digest(*parts: str | bytes) -> str:
    """Hex SHA-256 of ``parts`` (each one length-prefixed, so no two lists of parts collide)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def _columns_and_rows(df, index: bool) -> tuple:
    """A table's columns with their dtypes, and a hash of each row's cells (and index label)."""
    import pandas as pd

    columns = repr([(str(c), str(t)) for c, t in df.dtypes.items()])
    return columns, pd.util.hash_pandas_object(df, index=index, categorize=False).to_numpy()


def frame_key(df) -> str:
    """Digest of a table (pandas DataFrame): its columns, dtypes and cells."""
    columns, rows = _columns_and_rows(df, index=True)
    return digest(columns, rows.tobytes())


def content_key(df) -> str:
    """Digest of a table (pandas DataFrame) by its columns and cells as text (as a CSV file shows them),
    whatever its index and dtypes (a table made by a stage and the same one kept by the cache or read
    back from its file may differ in those)."""
    return digest(repr(list(map(str, df.columns))), df.to_csv(index=False, header=False, lineterminator="\n"))


def value_key(value) -> str:
    """Digest of nested dicts, lists and tuples of tables (pandas DataFrames, by :func:`content_key`),
    strings and numbers."""
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return content_key(value)
    if isinstance(value, dict):
        return digest("dict", *(part for k, v in value.items() for part in (repr(k), value_key(v))))
    if isinstance(value, (list, tuple)):
        return digest("list", *map(value_key, value))
    return digest(type(value).__name__, value if isinstance(value, (str, bytes)) else repr(value))


def group_keys(df, by: str) -> dict[str, str]:
    """Digest of each group of rows of a table (pandas DataFrame) by column ``by``: its columns and
    the cells of its rows, in order."""
    columns, rows = _columns_and_rows(df, index=False)
    return {str(g): digest(columns, rows[i].tobytes()) for g, i in df.groupby(by, sort=False).indices.items()}


def source_file(module: str):
    """The source of ipcompare module ``module`` (dotted below the package: ``analysis.themes``), or None."""
    parts = module.split(".")
    for path in (_PACKAGE.joinpath(*parts[:-1], parts[-1] + ".py"), _PACKAGE.joinpath(*parts, "__init__.py")):
        if path.is_file():
            return path
    return None


def _statements(body: list) -> Iterable[ast.stmt]:
    """The statements of ``body`` and of every block in them (imports are statements: expressions are
    not walked), leaving out ``if TYPE_CHECKING:`` blocks."""
    for node in body:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            continue
        yield node
        for block in ("body", "orelse", "finalbody", "handlers", "cases"):
            yield from _statements(getattr(node, block, None) or [])


@cache
def imports(module: str) -> frozenset[str]:
    """The ipcompare modules (and packages) that ``module`` imports, by dotted name below ipcompare."""
    path = source_file(module)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in _statements(ast.parse(path.read_text("utf-8")).body):
        if isinstance(node, ast.ImportFrom) and node.level:  # at the top or inside a function
            prefix = package[: len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            found |= {".".join(prefix + [a.name]) for a in node.names} | ({".".join(prefix)} if prefix else set())
    return frozenset(m for m in found if source_file(m) is not None)


@codebook.cached  # the codebook's files are hashed: a study's codebook gives other keys
def code_version(modules: tuple[str, ...], data: tuple[str, ...] = (), packages: tuple[str, ...] = ()) -> str:
    """Hash of the source of ``modules`` and every ipcompare module they import, of the package data
    files ``data`` and of the installed versions of the distributions ``packages``."""
    seen, todo = set(), list(modules)
    while todo:
        if (m := todo.pop()) not in seen:
            seen.add(m)
            todo += imports(m)
    parts = [source_file(m).read_bytes() for m in sorted(seen)]
    study = codebook.study_files()  # a study's own codebook files replace the package's
    parts += [(codebook.path(name) if name in study else _PACKAGE / "data" / name).read_bytes() for name in data]
    parts += [f"{p}=={metadata.version(p)}" for p in packages]
    return digest(*parts)[:16]


class Store:
    """Bytes by key in ``<folder>/<kind>-<version>.sqlite``, or ``<kind>.sqlite`` when the keys hold
    the version themselves (``folder=None``: nothing is kept)."""

    def __init__(self, folder: Path | None, kind: str, version: str = ""):
        name = f"{kind}-{version}" if version else kind
        self.path = None if folder is None else Path(folder) / f"{name}.sqlite"
        if self.path is None:
            return
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for old in self.path.parent.glob(f"{kind}-*.sqlite"):  # made by other versions
                old.unlink(missing_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value BLOB)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=60)

    def get(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The stored values of those ``keys`` that are stored."""
        keys, found = list(keys), {}
        if self.path is None or not keys:
            return found
        with closing(self._connect()) as db:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                query = f"SELECT key, value FROM cache WHERE key IN ({','.join('?' * len(chunk))})"
                found.update(db.execute(query, chunk).fetchall())
        return found

    def put(self, items: Mapping[str, bytes]) -> None:
        """Store ``items`` (key -> value) in one transaction."""
        if self.path is not None and items:
            with closing(self._connect()) as db, db:
                db.executemany("INSERT OR REPLACE INTO cache VALUES (?, ?)", items.items())

    # Slots: one value per name (a stage, a table, a chart), kept with the key of what made it, so
    # that only the latest one takes room. A key is a digest: 64 hex characters before the value.

    def recall(self, slots: Mapping[str, str]) -> dict[str, bytes]:
        """The values kept in slots (name -> key) whose key is still the same (see :meth:`keep`)."""
        return {n: v[64:] for n, v in self.get(slots).items() if v[:64] == slots[n].encode()}

    def keep(self, items: Mapping[str, tuple[str, bytes]]) -> None:
        """Keep ``items`` (name -> (key, value)), each replacing what its slot held."""
        self.put({n: key.encode() + value for n, (key, value) in items.items()})

    def reuse(self, slots: Mapping[str, str], make: Callable[[list[str]], Mapping[str, object]]) -> dict[str, object]:
        """The object of each slot (name -> key), in ``slots`` order: the one kept with the same key,
        else made by ``make(names)``, called once for all the names missing (a batch), and kept."""
        kept = {n: pickle.loads(v) for n, v in self.recall(slots).items()}
        todo = [n for n in slots if n not in kept]
        made = make(todo) if todo else {}
        self.keep({n: (slots[n], pickle.dumps(made[n])) for n in todo})
        return {n: kept[n] if n in kept else made[n] for n in slots}
