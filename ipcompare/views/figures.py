"""Figure jobs: which charts the tables allow (:data:`charts.DECLARED`), their places, their cache
(each job keyed by its declared inputs, :func:`chart_inputs`) and their drawing under ``figures/<lang>/``
(PNG, SVG, HTML) by worker processes.

In a corpus of more than :data:`STATIC_PLACES` places, the per-place charts (:data:`PER_PLACE`:
profiles, what changed) are drawn interactive only (no matplotlib at all: their PNG and SVG are
most of the charts' time, and a new plan changes every profile); :func:`static_figures` (the
``figures`` command) draws a place's on demand, into the same cache, where later runs find them.
"""
from __future__ import annotations

import html
import pickle
from functools import partial
from pathlib import Path
from typing import NamedTuple

from tqdm import tqdm

from .. import workers
from ..cache import Store, code_version, content_key, digest, value_key
from ..errors import InputError
from . import charts, frames, word
from .frames import Tables

LANGS = ("zh", "en")
VIEW_DATA = ("themes.md", "instruments.md", "indicators.md", "divisions.csv", "tiles.csv")  # package data the charts and pages name
PER_PLACE = tuple(name for name, chart in charts.DECLARED.items() if chart.per_place)  # drawn once per place
STATIC_PLACES = 12  # beyond this many places, a run draws per-place charts interactive only (`figures`: the rest)
ASKED = Path("figures") / "places.txt"  # under reports/: the places `figures` drew (a run keeps them drawn)
HEAVY = ("coverage", "targets_compared")  # the slowest charts: sent to the workers first


def chart_list(t: Tables) -> list[tuple[str, str, dict]]:
    """(file stem, chart name, options) of every chart the tables allow: each chart, and a profile per
    province and city (:func:`frames.profiled`) and what changed in each province whose latest plan has a predecessor."""
    stems = [(name, name, {}) for name in charts.CHARTS if name not in PER_PLACE]
    stems += [(f"profile_{frames.place_slug(t, p)}", "profile", {"province": p}) for p in frames.profiled(t)]
    if "changes" in t:
        stems += [(f"changes_{frames.place_slug(t, p)}", "changes", {"province": p}) for p in frames.changed_provinces(t)]
    return [s for s in stems if all(n in t and len(t[n]) for n in charts.DECLARED[s[1]].needs)]


def chart_places(t: Tables) -> dict[str, str]:
    """The places that have per-place charts (:data:`PER_PLACE`), in report order: place -> slug."""
    return {o["province"]: frames.place_slug(t, o["province"]) for _, name, o in chart_list(t) if name in PER_PLACE}


def resolve_places(t: Tables, names) -> list[str]:
    """The places named (their name, 湖北 or 贵阳市, or their file slug, hubei; ``all``: every place);
    an unknown one is an :class:`InputError` listing the known ones."""
    known = chart_places(t)
    if "all" in names:
        return list(known)
    by_slug = {slug: place for place, slug in known.items()}
    for name in names:
        if name not in known and name not in by_slug:
            listed = ", ".join(f"{p} ({s})" for p, s in known.items()) or "none"
            raise InputError(f"{name}: no such place with per-place charts; known: {listed}")
    return list(dict.fromkeys(by_slug.get(n, n) for n in names))


def static_places(t: Tables, asked=()) -> set[str]:
    """Places whose per-place charts a run draws in static form too: every place when the corpus has at
    most :data:`STATIC_PLACES`, else those ``asked`` (:func:`resolve_places`: an unknown one is an error either way)."""
    places, asked = chart_places(t), set(resolve_places(t, asked))
    return set(places) if len(places) <= STATIC_PLACES else asked


class Drawing(NamedTuple):
    """What the cache keeps of a chart: its PNG (256 colours) and SVG (None for an interactive-only
    job), the plotly div (its page is made of it), and the chart's title and source line (the Word
    reports' caption)."""
    png: bytes | None
    svg: bytes | None
    div: str
    title: str
    source: str


Job = tuple[str, str, str, dict, bool]  # lang, stem, chart name, options, static (PNG and SVG too)


def _slot(job: Job) -> str:
    """A job's cache slot: ``lang/stem``, and ``lang/stem/interactive`` for the interactive form alone."""
    return f"{job[0]}/{job[1]}" + ("" if job[4] else "/interactive")


def _weight(job: Job) -> tuple:
    """Sort key putting the heaviest jobs first (the workers end together): static before
    interactive-only, cross-province before per-place charts, :data:`HEAVY` first."""
    return not job[4], job[2] in PER_PLACE, job[2] not in HEAVY


def _paths(folder: Path, lang: str, stem: str) -> list[Path]:
    return [folder / "figures" / lang / f"{stem}.{ext}" for ext in ("png", "svg", "html")]


def _draw(t: Tables, folder: Path, job: Job) -> bytes:
    """Draw chart ``job`` in ``folder/figures/<lang>/``: its HTML, and when static its PNG and SVG
    (an interactive-only job draws nothing with matplotlib); return its :class:`Drawing`, pickled."""
    lang, stem, name, options, static = job
    paths = _paths(folder, lang, stem)
    interactive = charts.CHARTS[name](t, lang=lang, interactive=True, **options)
    paths[2].write_text(charts.html_page(div := charts.html_div(interactive), shared=True), encoding="utf-8")
    if not static:
        return pickle.dumps(Drawing(None, None, div, html.unescape(interactive.layout.title.text or ""), ""))
    fig = charts.CHARTS[name](t, lang=lang, **options)
    paths[0].write_bytes(png := word.compact_png(charts.pixels(fig)))  # no PNG of full colour written and read
    charts.save(fig, paths[1])
    return pickle.dumps(Drawing(png, paths[1].read_bytes(), div, *fig.caption))


def _write(folder: Path, lang: str, stem: str, d: Drawing) -> list[Path]:
    """Write a kept :class:`Drawing`'s files (its PNG and SVG only if it has them)."""
    paths = _paths(folder, lang, stem)
    paths[2].write_text(charts.html_page(d.div, shared=True), encoding="utf-8")
    if d.png is None:
        return paths[2:]
    paths[0].write_bytes(d.png)
    paths[1].write_bytes(d.svg)
    return paths


def table_keys_of(t: Tables, known: dict | None = None) -> dict[str, str]:
    """Each table's key: ``known[name]`` where given (the pipeline passes the digest of each written
    file), else its :func:`~ipcompare.cache.content_key`."""
    known = known or {}
    return {name: known.get(name) or content_key(t[name]) for name in t}


def file_keys(folder: Path) -> dict[str, str]:
    """The key of each table file in ``folder`` as the pipeline gives it (the digest of its bytes)."""
    return {path.stem: digest(path.read_bytes()) for path in Path(folder).glob("*.csv")}


def chart_inputs(t: Tables, jobs: list[Job], table_keys: dict[str, str]) -> dict[str, dict[str, str]]:
    """The inputs of each chart job by its slot (``lang/stem``, ``/interactive`` for the interactive form
    alone), each by name with its key: the charts' code, the day (the source line has the date), the
    job, and only what the chart declares (:data:`charts.DECLARED`): its tables, or for a per-place
    chart the rows and cross-place values it shows. ``table_keys``: each table's key (:func:`table_keys_of`)."""
    version = code_version(("views.figures",), VIEW_DATA, ("matplotlib", "plotly", "pylopdf-fonts-zh-cn"))
    day, shown, out = frames.run_date(t), {}, {}
    for job in jobs:
        lang, stem, name, options, static = job
        chart = charts.DECLARED[name]
        if chart.per_place and stem not in shown:
            shown[stem] = {part: value_key(value) for part, value in chart.shows(t, **options).items()}
        parts = shown[stem] if chart.per_place else {n: table_keys.get(n, "absent") for n in chart.reads}
        out[_slot(job)] = {"code": version, "date": day, "job": repr((lang, stem, options, static)), **parts}
    return out


def _key(inputs: dict[str, str]) -> str:
    """A chart job's cache key: the digest of its :func:`chart_inputs`."""
    return digest(*(part for item in inputs.items() for part in item))


def _why(store: Store, inputs: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Why each chart slot of ``inputs`` is drawn: the inputs whose key changed since its last drawing
    (["new"]: never drawn with this cache; ["not kept"]: its drawing was lost)."""
    before = {slot: pickle.loads(value) for slot, value in store.get(inputs).items()}
    return {slot: ([n for n, key in now.items() if before[slot].get(n) != key] or ["not kept"]) if slot in before
            else ["new"] for slot, now in inputs.items()}


def draw_jobs(t: Tables, folder: Path, jobs: list[Job], progress: bool = False, cache_dir: Path | None = None,
              table_keys: dict | None = None) -> tuple[dict[tuple[str, str], Drawing], dict[str, list[str]]]:
    """Each job's :class:`Drawing` by (lang, stem), its files written under ``folder/figures/<lang>/``,
    and the slots of those drawn (not in the cache) with why (:func:`_why`: the declared inputs that changed).

    With a ``cache_dir``, a job whose :func:`_key` key is that of its last drawing there is
    written from it, not drawn again; an interactive-only job takes the static drawing of the same
    chart when there is one (a ``figures`` call made it). The rest is drawn by worker processes
    (:mod:`ipcompare.workers`), heaviest first (:func:`_weight`).
    """
    twins = [(*j[:4], True) for j in jobs if not j[4]]  # an interactive job's static form
    inputs = chart_inputs(t, jobs + twins, table_keys_of(t, table_keys))
    keys = {slot: _key(i) for slot, i in inputs.items()}
    store, kept_inputs = Store(cache_dir, "charts"), Store(cache_dir, "chart-inputs")
    kept = store.recall(keys)
    found = {s: kept.get(s.removesuffix("/interactive")) or kept.get(s) for s in map(_slot, jobs)}
    for lang in LANGS:
        (folder / "figures" / lang).mkdir(parents=True, exist_ok=True)
    if any(j[4] for j in jobs if not found[_slot(j)]):
        charts.use_cjk_font()  # here, not once in each worker
    todo = sorted((j for j in jobs if not found[_slot(j)]), key=_weight)
    why = _why(kept_inputs, {_slot(j): inputs[_slot(j)] for j in todo})
    made = workers.imap(partial(_draw, t, folder), todo, min_items=4)
    made = dict(zip(map(_slot, todo), tqdm(made, desc="charts", unit="chart", total=len(todo), disable=not progress)))
    store.keep({slot: (keys[slot], value) for slot, value in made.items()})
    kept_inputs.put({slot: pickle.dumps(inputs[slot]) for slot in made})
    out = {}
    for job in jobs:  # in the jobs' order
        d = out[job[0], job[1]] = pickle.loads(found[_slot(job)] or made[_slot(job)])
        if found[_slot(job)]:
            _write(folder, job[0], job[1], d)
    return out, why


def write_figures(t: Tables, folder: Path, progress: bool = False, cache_dir: Path | None = None,
                  table_keys: dict | None = None, figures=(), redrawn: dict | None = None
                  ) -> tuple[list[Path], dict[tuple[str, str], Drawing]]:
    """Every chart in both languages under ``folder/figures/<lang>/``: its HTML, and its PNG and SVG
    unless it is a per-place chart of a place outside :func:`static_places` (``figures``: places
    asked for; the ``figures`` command draws the others on demand, :func:`static_figures`).

    Returns the files written and each chart's :class:`Drawing` by (lang, stem), for the index pages
    and the Word reports (:func:`draw_jobs`: the cache and the workers).
    """
    static = static_places(t, figures)
    jobs = [(lang, stem, name, options, name not in PER_PLACE or options["province"] in static)
            for lang in LANGS for stem, name, options in chart_list(t)]
    made, why = draw_jobs(t, folder, jobs, progress, cache_dir, table_keys)
    if redrawn is not None:
        redrawn.update(why)
    files = [p for (lang, stem), d in made.items() for p in _paths(folder, lang, stem)[0 if d.png else 2:]]
    return files, made


def static_figures(t: Tables, folder: Path, places, cache_dir: Path | None = None,
                   table_keys: dict | None = None, progress: bool = False) -> tuple[list[Path], int]:
    """The PNG and SVG (and HTML) of the per-place charts of ``places`` (:func:`resolve_places`) in both
    languages under ``folder/figures/<lang>/``, from the cache where they were drawn before, and the
    places added to the :data:`ASKED` list (:func:`places_asked`); returns the files written and how
    many charts were drawn (not from the cache)."""
    names = resolve_places(t, places)
    jobs = [(lang, stem, name, options, True) for lang in LANGS for stem, name, options in chart_list(t)
            if name in PER_PLACE and options["province"] in names]
    _, why = draw_jobs(t, folder, jobs, progress, cache_dir, table_keys)
    asked = _asked(folder) + (["all"] if "all" in places else names)
    (folder / ASKED).write_text("\n".join(dict.fromkeys(asked)) + "\n", encoding="utf-8")
    return [p for j in jobs for p in _paths(folder, j[0], j[1])], len(why)


def places_asked(t: Tables, folder: Path) -> list[str]:
    """The places :func:`static_figures` drew under ``folder`` (its :data:`ASKED` list; ``all`` for
    every place) that still have per-place charts: a run draws their static charts again with its
    tables, so a chart once asked for stays up to date."""
    known = chart_places(t)
    return [name for name in _asked(folder) if name == "all" or name in known]


def _asked(folder: Path) -> list[str]:
    """The :data:`ASKED` list under ``folder``, as written."""
    return (folder / ASKED).read_text("utf-8").split() if (folder / ASKED).exists() else []


def remove_stale(folder: Path, written) -> list[Path]:
    """Remove the PNG and SVG under ``folder/figures/`` of the charts whose HTML is among the files
    ``written`` but not they (interactive only this run: the static files were of older tables)."""
    written = set(map(Path, written))
    stale = [p.with_suffix(ext) for p in written if p.suffix == ".html" and p.parent.parent == folder / "figures"
             for ext in (".png", ".svg") if p.with_suffix(ext) not in written and p.with_suffix(ext).exists()]
    for path in stale:
        path.unlink()
    return stale
