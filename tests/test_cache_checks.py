"""A cache that checks itself: damaged entries and stores, of every kind, are reported, discarded
and made again, and never reach a table (tables byte-identical to those of a run without cache)."""
from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import pytest

import ipcompare
from ipcompare import cli


def tables_of(project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(project.processed.glob("*.csv"))}


@pytest.fixture
def cached(reported, tmp_path):
    """A copy of a project run with charts: its raw data, tables, reports and cache."""
    source, _ = reported
    for sub in ("data", "reports"):
        shutil.copytree(source.root / sub, tmp_path / sub, symlinks=True)
    return ipcompare.Project(tmp_path)


def edit_values(path, change, key: str = "%") -> int:
    """Every stored value (of the keys LIKE ``key``) of the store at ``path`` replaced by ``change(value)``
    (its digest kept); how many changed."""
    with closing(sqlite3.connect(path)) as db, db:
        rows = db.execute("SELECT key, value FROM entries WHERE key LIKE ?", (key,)).fetchall()
        changed = [(change(v), k) for k, v in rows if change(v) != v]
        db.executemany("UPDATE entries SET value = ? WHERE key = ?", changed)
    return len(changed)


def test_a_same_length_edit_of_a_stored_table_never_reaches_the_table(cached, capsys):
    """The issue's edit: HB2025's 28 tasks turned into 82 inside the stored documents table."""
    before = tables_of(cached)
    assert b",28," in before["documents.csv"]
    assert edit_values(cached.cache / "tables.sqlite", lambda v: v.replace(b",28,", b",82,"), "documents.csv") == 1
    assert cli.main(["--root", str(cached.root), "run", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.count("tables.sqlite: 1 damaged cache entry") == 1
    assert tables_of(cached) == before


def test_every_store_damaged_is_made_again(cached, capfd):
    """One byte flipped in every value of every store: each store reports its damage once, and the
    tables come out byte for byte as before."""
    before = tables_of(cached)
    flip = lambda v: v[:-1] + bytes([v[-1] ^ 1]) if v else b"x"  # noqa: E731
    stores = [p for p in sorted(cached.cache.glob("*.sqlite")) if edit_values(p, flip) > 0]
    kinds = {p.stem.rsplit("-", 1)[0] if len(p.stem.rsplit("-", 1)[-1]) == 16 else p.stem for p in stores}
    assert {"documents", "tokens", "stages", "tables", "charts", "themes-documents", "coverage-documents",
            "instruments-documents", "word", "pages", "fonts"} <= kinds
    result = ipcompare.run(cached.root, progress=False, charts=True)
    if result.pdfs is not None:
        result.pdfs.wait(timeout=600)
    err = capfd.readouterr().err
    for path in stores:
        assert f"{path}: " in err, path.name  # each damaged entry reported once (a store may hold several)
    assert "damaged cache entr" in err
    assert tables_of(cached) == before
    assert cli.main(["--root", str(cached.root), "cache", "--check"]) == 0  # nothing damaged is left


@pytest.mark.parametrize("damage", ["garbled", "truncated"])
def test_a_damaged_store_file_is_replaced(cached, capfd, damage):
    before = tables_of(cached)
    for path in cached.cache.glob("*.sqlite"):
        data = path.read_bytes()
        path.write_bytes(bytes(b ^ 0x5A for b in data) if damage == "garbled" else data[:len(data) // 3])
    assert cli.main(["--root", str(cached.root), "run", "--quiet", "--no-charts"]) == 0
    err = capfd.readouterr().err
    assert "damaged cache store" in err and "Traceback" not in err
    assert tables_of(cached) == before


def test_cache_check_and_clear(cached, capsys):
    edit_values(cached.cache / "stages.sqlite", lambda v: v[:10] + b"!" + v[11:])
    assert cli.main(["--root", str(cached.root), "cache", "--check"]) == 1
    out = capsys.readouterr().out
    assert "stages.sqlite" in out and "damaged: discarded" in out
    assert cli.main(["--root", str(cached.root), "cache", "--check"]) == 0
    assert "every entry intact" in capsys.readouterr().out
    assert cli.main(["--root", str(cached.root), "cache", "--clear"]) == 0
    assert not cached.cache.exists()
    assert (cached.processed / "documents.csv").is_file()  # the outputs stay


def test_a_full_disk_while_caching_is_one_line(cached, monkeypatch, capsys):
    """SQLite's 'database or disk is full' names the store and stops the run cleanly."""
    from ipcompare import cache

    class Full:  # a connection whose writes fail as on a full disk
        def __init__(self, db):
            self.db = db

        def __getattr__(self, name):
            return getattr(self.db, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.db.__exit__(*exc)

        def executemany(self, *args):
            raise sqlite3.OperationalError("database or disk is full")

    connect = sqlite3.connect
    monkeypatch.setattr(cache.sqlite3, "connect", lambda *a, **k: Full(connect(*a, **k)))
    before = tables_of(cached)
    (cached.raw / "manifest.csv").write_text((cached.raw / "manifest.csv").read_text("utf-8") + "\n", "utf-8")
    shutil.rmtree(cached.cache)
    assert cli.main(["--root", str(cached.root), "run", "--quiet", "--no-charts"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {cached.cache}/")
    assert "cannot write the cache (database or disk is full)" in err
    assert tables_of(cached) == before
