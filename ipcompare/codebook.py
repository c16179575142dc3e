"""The codebook in use: the theme taxonomy (``themes.md``), the policy-instrument taxonomy
(``instruments.md``) and their seed lexicons (``theme_lexicon.txt``, ``instrument_lexicon.txt``).

The package's files in ``ipcompare/data/`` are the default; a study's ``data/codebook/`` holding any of
them replaces those files for that study (:func:`use`, called by the pipeline for its project and by
:meth:`~ipcompare.views.corpus.Corpus.load` for its folder). What is read from them is cached by
functions decorated with :func:`cached`, cleared when the codebook changes; the cache keys of the
stages hash the files in use (:func:`ipcompare.cache.code_version`).
"""
from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

FILES = ("themes.md", "theme_lexicon.txt", "instruments.md", "instrument_lexicon.txt")
_PACKAGE = resources.files("ipcompare") / "data"
_in_use: list[Path | None] = [None]  # the study's codebook folder, None: the package's files
_caches: list = []


def cached(fn):
    """``functools.cache``, cleared when another codebook is put in use."""
    kept = cache(fn)
    _caches.append(kept)
    return kept


def use(folder: Path | str | None) -> None:
    """Put the codebook of ``folder`` (a study's ``data/codebook``) in use; the package's when it
    holds none of :data:`FILES`."""
    folder = Path(folder).resolve() if folder and any((Path(folder) / n).is_file() for n in FILES) else None
    if folder != _in_use[0]:
        _in_use[0] = folder
        for kept in _caches:
            kept.cache_clear()


def path(name: str):
    """The file ``name`` of the codebook in use (the study's, else the package's)."""
    folder = _in_use[0]
    return folder / name if folder and (folder / name).is_file() else _PACKAGE / name


def study_files() -> list[str]:
    """The files of the study's codebook in use (empty: the package's codebook)."""
    return [n for n in FILES if _in_use[0] and (_in_use[0] / n).is_file()]


def described() -> str:
    """Which codebook is in use, for notes and reports."""
    files = study_files()
    return (f"the study's codebook data/codebook ({', '.join(files)}; the package's for the rest)" if files
            else "the package's codebook (ipcompare/data)")


def numbered_lines(name: str) -> list[tuple[int, str]]:
    """(line number, line) of codebook file ``name``."""
    return list(enumerate(path(name).read_text("utf-8").splitlines(), start=1))
