"""Benchmark (not a test): the pipeline on synthetic corpora of about 100 to 50,000 tasks.

    python bench/bench_scale.py [--sizes 100 1000 10000 50000] [--charts] [--keep DIR] [--modes cold warm add]

Each corpus is the bundled national guideline plus synthetic plans of provinces and cities, one a
year: numbered plans with section headings whose tasks re-assemble sentences of the bundled seed
tasks (a seed task's first sentence, then one to three sentences of other seed tasks, with their
unit annotations), so the text reads like the seeds but every task is new to the segmenter. The
selection and order differ per plan (fixed random seed: the same corpora every time).

For each size, each run below is a fresh process (its peak memory is its own):

* ``cold``: no cache; the time of each stage and the peak memory (RSS); then, in a fresh process
  right after, jieba alone segmenting the same text (every plan file, with the pipeline's
  dictionary, HMM off): the floor any pipeline that reads the words has to pay;
* ``warm``: the same corpus again, nothing changed;
* ``add``: one more plan added to the corpus;
* ``add, kernel``: the same in a process that has added a plan and run the pipeline before, as a
  notebook's kernel may have (libraries imported, jieba's dictionary loaded; its ``process``
  column includes that earlier run);
* beyond ``themes.MAX_FIT_TASKS`` work tasks, ``sample``: the themes of a model fitted on every task
  against those of the model fitted on the sample of documents (``themes.fit_sample``) that the
  pipeline uses: the share of tasks whose primary theme agrees, and the two fitting times.

jieba's dictionary files in the temporary folder (jieba's own cache and the pipeline's copy of its
dictionary, see ``segment._tokenizer``) are kept between runs, as on any machine after its first run.

Columns: seconds of each stage (``pipeline.run`` timings; a stage kept from the last run has no
time); ``imports, other``: the rest of ``run()`` (scikit-learn and jieba imported on first use,
cache keys); ``run()``: the call of ``pipeline.run``; ``process``: the whole process, Python
start-up and imports included; peak RSS: ``ru_maxrss`` of that process. ``--charts`` adds the
charts and report, in their own column (their number grows with the corpus: a profile chart per
province; category axes are capped at 40 rows; beyond ``report.STATIC_PLACES`` places, the per-place
charts, profiles and what changed, are drawn interactive only, as a run does: their PNG and SVG are
the ``figures`` command's, not timed here). ``IPCOMPARE_WORKERS=1`` runs everything
in one process. Below the table, the cold run's CPU seconds (user and system, of the process and
its workers) against jieba alone's: on a shared machine they move far less than the times.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NATIONAL_FILE = "nat2024_cnipa_annual_guideline.txt"
NUMERALS = "一二三四五六七八九十"
MANIFEST_HEADER = "doc_id,file,level,province,first_year,last_year,title,issuer,issue_date,doc_number,source\n"


# -- synthetic corpora --------------------------------------------------------------------------

_BRACKET = r"\((?:[^()]|\([^()]*\))*\)|〔[^〔〕]*〕"
_SENTENCE = re.compile(rf"(?:[^。;(〔]|{_BRACKET})+(?:[。;](?:{_BRACKET})?|$)")


def sentences(text: str) -> list[str]:
    """``text`` cut after each 。 or ; outside brackets; an annotation right after stays with its sentence."""
    return [m.group() for m in _SENTENCE.finditer(text) if m.group()]


def seed_pool() -> tuple[list[str], list[str], list[str]]:
    """(first sentences, other sentences, section headings) of the bundled provincial seed tasks."""
    from ipcompare import pipeline

    tasks = pipeline.corpus_tables(pipeline.Project(ROOT), progress=False).tables["tasks"]
    work = tasks[(tasks["kind"] == "task") & (tasks["province"] != "全国")]
    heads, rest = [], []
    for text in work["text"]:
        parts = [s for s in sentences(re.sub(r"\s*\n\s*|\|", "", text)) if len(s) >= 8]
        heads += parts[:1]
        rest += parts[1:]
    sections = sorted({s.split(" > ")[0].split(",")[-1] for s in work["section_titles"] if s})
    return heads, rest, [s for s in sections if 4 <= len(s) <= 20]


def plan_text(rng: random.Random, pool, title: str, issuer: str, year: int) -> tuple[str, int]:
    """A numbered plan of 20-40 tasks under 4-7 section headings, and its number of tasks."""
    heads, rest, sections = pool
    n_tasks, n_sections = rng.randint(20, 40), rng.randint(4, 7)
    lines = [f"{issuer}关于印发{title}的通知", "各市(州)知识产权局:",
             f"现将《{title}》印发给你们,请认真贯彻落实。", issuer, f"{year}年3月1日", "", title]
    cuts = sorted(rng.sample(range(1, n_tasks), n_sections - 1))
    for k, heading in enumerate(rng.sample(sections, n_sections)):
        lines.append(f"{NUMERALS[k]}、{heading}")
        for i in range(([0] + cuts)[k], (cuts + [n_tasks])[k]):
            body = "".join(rng.sample(rest, rng.randint(1, 3)))
            lines.append(f"{i + 1}.{rng.choice(heads)}{body}")
    return "\n".join(lines) + "\n", n_tasks


def build_corpus(folder: Path, n_tasks: int, pool, seed: int = 0) -> int:
    """Write the national guideline and synthetic plans (about ``n_tasks`` tasks in all) under
    ``folder/data/raw``; return the number of plans."""
    raw = folder / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "raw" / NATIONAL_FILE, raw)
    rows = [f"NAT2024,{NATIONAL_FILE},,,,,,,,,\n"]
    rng, total, k = random.Random(seed), 32, 0
    while total < n_tasks:
        total += add_plan(folder, rng, pool, k, rows)
        k += 1
    (raw / "manifest.csv").write_text(MANIFEST_HEADER + "".join(rows), encoding="utf-8")
    return k


def add_plan(folder: Path, rng: random.Random, pool, k: int, rows: list[str] | None = None) -> int:
    """Write plan number ``k`` (a city of a province, a year) and its manifest row; return its tasks."""
    from ipcompare.views.frames import province_slug
    from ipcompare.reading.metadata import PROVINCES

    province = PROVINCES[k % len(PROVINCES)]
    year, city = 2025 + k // len(PROVINCES) % 10, k // (10 * len(PROVINCES)) + 1
    doc_id = f"{province_slug(province).replace('-', '_')}_{year}_c{city}"
    title = f"{province}第{city}市{year}年知识产权工作要点"
    text, n = plan_text(rng, pool, title, f"{province}第{city}市知识产权局", year)
    (folder / "data" / "raw" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    row = f"{doc_id},{doc_id}.txt,,,,,,,,,\n"
    if rows is None:
        with open(folder / "data" / "raw" / "manifest.csv", "a", encoding="utf-8") as out:
            out.write(row)
    else:
        rows.append(row)
    return n


# -- runs ----------------------------------------------------------------------------------------

STAGES = ("documents", "segment", "themes", "instruments", "coverage", "changes", "reuse", "diffusion", "convergence",
          "tables", "charts")


def jieba_alone(root: Path) -> dict:
    """Seconds jieba takes, with the pipeline's dictionary and HMM off, to load and to segment the
    text of every file of the corpus (a fresh tokenizer: nothing shared with the pipeline's)."""
    from ipcompare.analysis import segment

    start, cpu = time.perf_counter(), time.process_time()
    tokenizer = segment.new_tokenizer()  # jieba's own loading, and the pipeline's words
    init = time.perf_counter() - start
    texts = [p.read_text("utf-8") for p in sorted((root / "data" / "raw").glob("*.txt"))]
    start = time.perf_counter()
    for text in texts:
        tokenizer.lcut(text, HMM=False)
    return {"jieba_init": init, "jieba_cut": time.perf_counter() - start, "chars": sum(map(len, texts)),
            "cpu": time.process_time() - cpu}


def cpu_seconds() -> float:
    """CPU seconds (user and system) of this process and of its ended workers."""
    return sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def sample_agreement(root: Path) -> dict:
    """Primary themes of a model fitted on every task vs the model fitted on ``themes.fit_sample``."""
    from ipcompare import pipeline, tables
    from ipcompare.analysis import themes

    tasks = tables.read_table("tasks", pipeline.Project(root).processed)
    sample = themes.fit_sample(tasks)
    out = {"tasks": int((tasks["kind"] == "task").sum()), "sample": int((sample["kind"] == "task").sum())}
    labels = []
    for name, fitted in (("all", tasks), ("sample", sample)):
        start = time.perf_counter()
        model = themes.ThemeModel(pipeline.Project(root).cache).fit(fitted)
        out[f"fit_{name}"] = time.perf_counter() - start
        labels.append(model.transform(tasks)["theme"])
    return out | {"agree": float((labels[0] == labels[1]).mean())}


def child(root: Path, mode: str, charts: bool) -> None:
    """One run in this process (``cold``: no cache; ``warm``: as it is; ``add``: one more plan
    first; ``jieba``: :func:`jieba_alone`; ``sample``: :func:`sample_agreement`); prints its
    measures as JSON."""
    if mode in ("jieba", "sample"):
        return print(json.dumps((jieba_alone if mode == "jieba" else sample_agreement)(root)))
    from ipcompare import pipeline

    if mode == "cold":
        shutil.rmtree(pipeline.Project(root).cache, ignore_errors=True)

    def new_plan() -> None:
        add_plan(root, random.Random(1), seed_pool(), len(list((root / "data" / "raw").glob("*.txt"))) - 1)

    if mode == "add, kernel":  # the kernel's earlier run, after an earlier new plan
        new_plan()
        pipeline.run(root, progress=False, charts=charts)
    if mode.startswith("add"):
        new_plan()

    start, cpu = time.perf_counter(), cpu_seconds()
    result = pipeline.run(root, progress=False, charts=charts)
    out = {"run": time.perf_counter() - start, "cpu": cpu_seconds() - cpu, **result.timings, "tasks": len(result.tables["tasks"]),
           "documents_n": len(result.tables["documents"]),
           "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    print(json.dumps(out))


def measure(root: Path, mode: str, charts: bool = False) -> dict:
    """Run :func:`child` in a fresh process; adds ``process``: its wall time, start-up included."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", str(root), mode] + ["--charts"] * charts,
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.splitlines()[-1]) | {"process": time.perf_counter() - start}


def table(runs: dict[str, dict], jieba: dict) -> str:
    """A markdown table of the runs of one corpus, and the ratios the targets are about."""
    cold = runs["cold"]
    cols = [s for s in STAGES if any(s in r for r in runs.values())]
    lines = [f"### {cold['tasks']:,} tasks, {cold['documents_n']:,} documents, {jieba['chars']:,} characters",
             "", "| run | " + " | ".join(cols) + " | imports, other | run() | process | peak RSS |",
             "|---|" + "---:|" * (len(cols) + 4)]
    for mode, r in runs.items():
        cells = [f"{r[s]:.2f}" if s in r else "-" for s in cols] + [f"{r['run'] - sum(r.get(s, 0) for s in cols):.2f}"]
        lines.append(f"| {mode} | " + " | ".join(cells) + f" | {r['run']:.2f} | {r['process']:.2f} | {r['peak_mb']:.0f} MB |")
    alone = jieba["jieba_init"] + jieba["jieba_cut"]
    lines += ["", f"jieba alone on the same text: {jieba['jieba_init']:.2f} s to load + {jieba['jieba_cut']:.2f} s "
              f"to segment = {alone:.2f} s ({jieba['chars'] / jieba['jieba_cut'] / 1000:.0f}k characters/s).",
              f"Cold run / jieba alone: {cold['run'] - cold.get('charts', 0):.2f} / {alone:.2f} = "
              f"{(cold['run'] - cold.get('charts', 0)) / alone:.2f}x (run(), charts excluded)."]
    lines.append(f"CPU seconds (the process and its workers; steadier than the time on a shared machine): cold run() "
                 f"{cold['cpu']:.2f} / jieba alone {jieba['cpu']:.2f} = {cold['cpu'] / jieba['cpu']:.2f}x"
                 f"{' (charts included)' if 'charts' in cold else ''}.")
    lines.append("CPU seconds of each run(): " + ", ".join(f"{mode} {r['cpu']:.2f}" for mode, r in runs.items()) + ".")
    if "changes" in cold:
        lines.append(f"Changes (each plan aligned with its predecessor) / cold run(), charts excluded: "
                     f"{cold['changes'] / (cold['run'] - cold.get('charts', 0)):.1%}.")
    for mode in ("add", "add, kernel", "warm"):
        if mode in runs:
            lines.append(f"{mode} / cold: run() {runs[mode]['run'] / cold['run']:.1%}, "
                         f"process {runs[mode]['process'] / cold['process']:.1%}.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000, 50000], help="tasks per corpus")
    parser.add_argument("--charts", action="store_true", help="also write the charts and report (timed apart)")
    parser.add_argument("--keep", type=Path, help="build the corpora in this folder and keep them")
    parser.add_argument("--modes", nargs="+", default=["cold", "warm", "add", "add, kernel"],
                        help="runs after the cold one (default: all)")
    parser.add_argument("--child", nargs=2, metavar=("ROOT", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(Path(args.child[0]), args.child[1], args.charts)
    from ipcompare.analysis import themes  # here: a child imports only what its run needs, in the run

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        pool = seed_pool()
        for n in args.sizes:
            root = folder / f"corpus-{n}"
            shutil.rmtree(root, ignore_errors=True)
            build_corpus(root, n, pool)
            runs = {"cold": measure(root, "cold", args.charts)}
            jieba = measure(root, "jieba")  # on the text of the cold run, before plans are added
            runs |= {mode: measure(root, mode, args.charts) for mode in args.modes if mode != "cold"}
            print(table(runs, jieba), flush=True)
            if runs["cold"]["tasks"] > themes.MAX_FIT_TASKS:
                s = measure(root, "sample")
                print(f"Themes, model fitted on the sample ({s['sample']:,} of {s['tasks']:,} work tasks, "
                      f"{s['fit_sample']:.2f} s) vs on every task ({s['fit_all']:.2f} s): the same primary theme "
                      f"for {s['agree']:.1%} of the tasks.\n", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
