"""Content-addressed cache under ``data/cache/``: what a step made, by the hash of what it was made from.

A key is the hash of the step's inputs; a :class:`Store` is versioned by the hash of the code and
resources the step depends on (:func:`code_version`), so a change of code, dictionary or taxonomy
invalidates exactly the steps that use them, and older versions are deleted. Each store is one
SQLite file (``<kind>-<version>.sqlite``): lookups and additions touch only the rows concerned.
"""
from __future__ import annotations

import ast
import errno
import hashlib
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from . import codebook

_PACKAGE = resources.files("ipcompare")


def _damaged(message: str) -> bool:
    """Whether an SQLite error message says the file is no sound database."""
    return any(words in message for words in ("malformed", "not a database", "no such table", "disk I/O"))


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


def warn(message: str) -> None:
    """Report a damaged cache on stderr (once: what is damaged is discarded), also from a worker process."""
    print(f"warning: {message}", file=sys.stderr, flush=True)


class Store:
    """Bytes by key in ``<folder>/<kind>-<version>.sqlite``, or ``<kind>.sqlite`` when the keys hold
    the version themselves (``folder=None``: nothing is kept).

    Every value is stored with its SHA-256 and checked when read: a damaged value (a bit flipped, an
    edit of the same length) is reported, discarded and made again by the caller; so is a whole
    store that is no SQLite file any more (truncated, overwritten). A full or read-only disk is an
    ``OSError`` naming the store."""

    def __init__(self, folder: Path | None, kind: str, version: str = ""):
        name = f"{kind}-{version}" if version else kind
        self.path = None if folder is None else Path(folder) / f"{name}.sqlite"
        self.damaged = 0  # damaged entries found (a damaged file counts one)
        if self.path is None:
            return
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for old in self.path.parent.glob(f"{kind}-*.sqlite"):  # made by other versions
                old.unlink(missing_ok=True)
        self._use(self._create)

    def _create(self, db: sqlite3.Connection) -> None:
        db.execute("DROP TABLE IF EXISTS cache")  # the values of an older ipcompare, stored without their digest
        db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, sha256 BLOB, value BLOB)")

    def _use(self, work: Callable[[sqlite3.Connection], object]):
        """``work(db)`` in one transaction; a damaged store file is reported, replaced by an empty one and
        ``work`` done again there; SQLite's full or read-only disk errors become ``OSError``."""
        for attempt in range(2):
            try:
                with closing(sqlite3.connect(self.path, timeout=60)) as db, db:
                    if attempt:  # a new file, in place of the damaged one
                        self._create(db)
                    return work(db)
            except sqlite3.DatabaseError as err:
                message = str(err)
                for words, code in (("full", errno.ENOSPC), ("readonly", errno.EROFS), ("unable to open", errno.EACCES)):
                    if words in message:
                        raise OSError(code, f"cannot write the cache ({message})", str(self.path)) from None
                if attempt or (isinstance(err, sqlite3.OperationalError) and not _damaged(message)):
                    raise
                warn(f"{self.path}: damaged cache store ({message}); removed, what it held is made again")
                self.damaged += 1
                for suffix in ("", "-journal", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def get(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The stored values of those ``keys`` that are stored (and intact)."""
        keys = list(keys)
        if self.path is None or not keys:
            return {}

        def read(db: sqlite3.Connection) -> list[tuple[str, bytes, bytes]]:
            rows = []
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                query = f"SELECT key, sha256, value FROM entries WHERE key IN ({','.join('?' * len(chunk))})"
                rows += db.execute(query, chunk).fetchall()
            return rows

        found, damaged = {}, []
        for key, sha, value in self._use(read):
            if hashlib.sha256(value).digest() == sha:
                found[key] = value
            else:
                damaged.append(key)
        if damaged:
            self.damaged += len(damaged)
            warn(f"{self.path}: {len(damaged)} damaged cache entr{'y' if len(damaged) == 1 else 'ies'} (the stored "
                 "value does not match its digest); discarded, made again")
            self._use(lambda db: db.executemany("DELETE FROM entries WHERE key = ?", [(k,) for k in damaged]))
        return found

    def put(self, items: Mapping[str, bytes]) -> None:
        """Store ``items`` (key -> value) in one transaction."""
        if self.path is not None and items:
            rows = [(k, hashlib.sha256(v).digest(), v) for k, v in items.items()]
            self._use(lambda db: db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows))

    def check(self) -> tuple[int, int]:
        """Every entry read and checked (the damaged ones discarded): (intact entries, damaged ones)."""
        keys = [k for (k,) in self._use(lambda db: db.execute("SELECT key FROM entries").fetchall())]
        return len(self.get(keys)), self.damaged

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


def check_folder(folder: Path) -> dict[str, tuple[int, int]]:
    """Every store in ``folder`` checked entry by entry, damaged entries and files discarded:
    (intact entries, damaged ones) by file name."""
    return {path.name: Store(path.parent, path.stem).check() for path in sorted(Path(folder).glob("*.sqlite"))}
