"""How an analysis stage is declared: next to its code, what it reads, writes and depends on.

Each analysis module ends with ``STAGE = Stage(...)``; :mod:`ipcompare.pipeline` runs the modules
listed in its ``STAGES`` in order and derives the stage's cache key from the declaration alone: the
code of the stage's module and what it imports, its ``data`` files and ``libraries``, the tables it
``reads``, the annotations and the ``options`` it declares. A stage sees only the tables it declared
(:class:`Tables`) and must write exactly those it declared (:meth:`Stage.check`).
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from .cache import code_version

# What the scoring stages depend on: the codebook, the dictionary and the calibration labels.
DATA = ("themes.md", "theme_lexicon.txt", "ip_dictionary.txt", "stopwords.txt", "synonyms.txt",
        "calibration_labels.csv")
LIBRARIES = ("jieba", "opencc", "numpy", "scipy", "scikit-learn", "pandas")


class UndeclaredTable(LookupError):
    """A stage read a table its declaration does not list."""


@dataclass(frozen=True)
class Stage:
    """One analysis stage: ``run(tables, project, **options[, store=...])`` returns its tables by name.

    ``tokens``: the tasks' fields are segmented first (the tokens cache is ready); ``store``: ``run``
    gets a store of its per-document results (``<name>-documents``); ``annotations``: its results
    depend on ``data/annotations/`` and whether the project learns from them."""

    name: str
    run: Callable
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    data: tuple[str, ...] = DATA
    libraries: tuple[str, ...] = LIBRARIES
    options: tuple[str, ...] = ()
    annotations: bool = False
    tokens: bool = True
    store: bool = False

    @property
    def module(self) -> str:
        """The stage's module, dotted below ipcompare (its code and imports key the cache)."""
        return self.run.__module__.removeprefix("ipcompare.")

    def __call__(self, tables: Mapping[str, object], project, **kwargs) -> dict:
        """Run the stage on the tables it declares it reads (its function looked up in its module by
        name at each call, as a test may replace it) and check it wrote the tables it declares."""
        out = getattr(sys.modules[self.run.__module__], self.run.__name__)(Tables(self, tables), project, **kwargs)
        self.check(out)
        return out

    def version(self) -> str:
        """Hash of the stage's code (its module and what it imports), data files and libraries."""
        return code_version((self.module,), self.data, self.libraries)

    def check(self, out: Mapping[str, object]) -> None:
        """Raise unless ``out`` holds exactly the tables the stage declares it writes."""
        if set(out) != set(self.writes):
            raise RuntimeError(f"stage {self.name} wrote {sorted(out)}, not the tables it declares "
                               f"{sorted(self.writes)}")

    def describe(self) -> str:
        """One line of the run's plan: reads -> writes, data, libraries, options."""
        extra = [f"options {', '.join(self.options)}"] if self.options else []
        extra += ["annotations"] if self.annotations else []
        return (f"{self.name} ({self.module}): {', '.join(self.reads)} -> {', '.join(self.writes)}"
                f"\n    data: {', '.join(self.data) or '-'}; libraries: {', '.join(self.libraries) or '-'}"
                + "".join(f"; {e}" for e in extra))


class Tables(Mapping):
    """The tables a stage declared it reads, read-only: any other name raises :class:`UndeclaredTable`."""

    def __init__(self, stage: Stage, tables: Mapping[str, object]):
        self._stage, self._tables = stage, tables

    def __getitem__(self, name: str):
        if name not in self._stage.reads:
            raise UndeclaredTable(f"stage {self._stage.name} reads table {name!r}, which it does not declare "
                                  f"(reads={self._stage.reads}): add it to its STAGE")
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return (n for n in self._stage.reads if n in self._tables)

    def __len__(self) -> int:
        return sum(1 for _ in self)
