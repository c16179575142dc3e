"""Command line: ``python -m ipcompare run`` (and ``ipcompare run``), ``add FILE``, ``figures``, ``evaluate``, ``kwic``, ``search``.

Bad input ends the command with a one-line ``error: <file>: <problem>`` and exit status 2.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .errors import InputError


def writes(func):
    """Command ``func`` run holding the project lock (:mod:`ipcompare.lock`): waiting for another
    writer, or stopping at once with ``--no-wait`` (add that option with :func:`_waits`)."""
    def command(args: argparse.Namespace) -> int:
        from .lock import project_lock

        with project_lock(args.root, wait=not getattr(args, "no_wait", False)):
            return func(args)

    return command


def _waits(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``parser`` (a writing command's) with the ``--no-wait`` option."""
    parser.add_argument("--no-wait", action="store_true",
                        help="stop at once (exit 2) if another command is writing to the project, instead of waiting")
    return parser


@writes
def _run(args: argparse.Namespace) -> int:
    from . import pipeline

    start = time.perf_counter()
    result = pipeline.run(args.root, progress=not args.quiet, reference=args.reference,
                          body_measures=args.body_measures, charts=not args.no_charts,
                          figures=args.figures.split(",") if args.figures else (), learn=not args.no_learn)
    docs = result.tables["documents"]
    print(f"{len(docs)} documents, {int(docs.n_tasks.sum())} tasks "
          f"(+{int(docs.n_preamble.sum())} preamble items) in {time.perf_counter() - start:.1f} s")
    for d in docs.itertuples():
        print(f"  {d.doc_id:<12} {d.province:<4} {d.first_year}-{d.last_year}  {d.n_tasks:>3} tasks  {d.title}")
    for w in result.warnings:
        print(f"warning: {w}")
    _print_learning(result.tables.get("calibration"), args.no_learn)
    print(f"tables written to {pipeline.Project(Path(args.root)).processed}")
    if not args.no_charts:
        print(f"charts and report written to {pipeline.Project(Path(args.root)).reports / 'index.html'}")
        _print_redrawn(result.redrawn)
    if result.pdfs is not None:
        print("PDFs of the Word reports: LibreOffice is making them beside the .docx files (ready in a minute or so)")
    return 0


def _run_or_plan(args: argparse.Namespace) -> int:
    """``run``, or with ``--plan`` only print the declared stages and charts (nothing is run)."""
    if not args.plan:
        return _run(args)
    from . import pipeline

    print(pipeline.plan())
    return 0
def _print_redrawn(redrawn: dict[str, list[str]]) -> None:
    """The charts a run drew (the others came from the cache), each with the declared inputs that changed."""
    why = {}
    for slot, inputs in redrawn.items():  # lang/stem[/interactive]: one line per chart
        why.setdefault(slot.split("/")[1], dict.fromkeys(inputs))
    print(f"charts redrawn: {len(why)}" + "".join(f"\n  {stem}: {', '.join(inputs)}" for stem, inputs in why.items()))


def _print_learning(summary, no_learn: bool) -> None:
    """What the project's validated decisions taught the run (the calibration table)."""
    from .analysis.calibration import MIN_LEARN

    for r in [] if summary is None else summary.itertuples():
        if r.learned:
            detail = f" (T_COVERED {r.t_covered:.4g}, T_PARTIAL {r.t_partial:.4g})" if r.kind == "coverage" else ""
            print(f"learned: {r.kind} recalibrated on {r.bundled_labels} bundled and {r.project_labels} of the "
                  f"project's validated decisions (which replace bundled labels of the same decisions){detail}")
        elif r.project_labels:
            why = "--no-learn" if no_learn else f"fewer than {MIN_LEARN}"
            print(f"{r.kind}: {r.project_labels} validated decisions ({why}): the shipped calibration")


@writes
def _figures(args: argparse.Namespace) -> int:
    from .project import Project
    from .views import report

    if not args.places and not args.all:
        raise InputError("figures: name the places (湖北, hubei ...) or give --all")
    project = Project(Path(args.root))
    t = _corpus(args)
    files, drawn = report.static_figures(t, project.reports, ["all"] if args.all else args.places, project.cache,
                                         report.file_keys(project.processed), progress=not args.quiet)
    n = len(files) // 3
    print(f"{n} charts ({drawn} drawn, {n - drawn} from the cache) as PNG and SVG in {project.reports / 'figures'}")
    return 0


def _evaluate_themes(args: argparse.Namespace) -> int:
    import json

    from .analysis import evaluate
    from .project import Project

    project = Project(Path(args.root))
    result = evaluate.themes(args.gold, project.processed, leave_one_out=args.leave_one_out, cache=project.cache)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else evaluate.format_report(result))
    return 0


def _evaluate_instruments(args: argparse.Namespace) -> int:
    import json

    from .analysis import evaluate
    from .project import Project

    project = Project(Path(args.root))
    result = evaluate.instruments(args.gold, project.processed, leave_one_out=args.leave_one_out, cache=project.cache)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else evaluate.format_levels(result))
    return 0


def _evaluate_coverage(args: argparse.Namespace) -> int:
    import json

    from .analysis import evaluate
    from .project import Project

    result = evaluate.coverage(args.gold, Project(Path(args.root)).processed, args.calibrate)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(evaluate.format_report(result))
        if args.calibrate:
            print("best thresholds for this gold: " + ", ".join(f"{k}={v}" for k, v in result["calibration"].items()))
    return 0


def _evaluate_calibration(args: argparse.Namespace) -> int:
    import json

    from .analysis import calibration, evaluate
    from .project import Project

    if args.write_labels:
        labels = evaluate.calibration_labels(Project(Path(args.root)).processed, Path(args.root) / "tests" / "gold")
        target = Path(calibration.__file__).parent.parent / "data" / calibration.LABELS
        print(f"written {calibration.write_labels(labels, target)}")
    result = {k: evaluate.calibration_leave_one_out(k) for k in calibration.KINDS}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    for kind, r in result.items() if not args.json else ():
        print(f"{kind}: {r['n']} labels, accuracy {r['accuracy']}, flagged {r['flagged_share']:.1%} "
              f"(aim at most {calibration.MAX_FLAGGED[kind]:.0%}), accuracy of the rest {r['unflagged_accuracy']} "
              f"(aim {calibration.TARGET[kind]}); by document: "
              + ", ".join(f"{d} {s['flagged_share']:.0%} / {s['unflagged_accuracy']}" for d, s in r["per_document"].items()))
    return 0


@writes
def _review(args: argparse.Namespace) -> int:
    from .project import Project
    from .views import review

    project = Project(Path(args.root))
    if args.import_file:
        print("\n".join(review.import_workbook(project, args.import_file, replace=args.replace)))
        return 0
    path = review.export(project, sample=args.sample, seed=args.seed, date=args.date)
    print(f"review workbook written to {path}: answer it, then `python -m ipcompare review --import {path}`")
    return 0


@writes
def _add(args: argparse.Namespace) -> int:
    from . import add

    options = dict(province=args.province, years=args.year, level=args.level, title=args.title,
                   doc_id=args.doc_id, source=args.source, city=args.city)
    one = Path(args.file[0])
    if len(args.file) == 1 and one.is_file() and not args.meta and not args.dry_run and not add.is_list(one):
        print(add.add(args.root, one, **options).summary())  # one file: refused with exit status 2
    else:
        batch = add.add_many(args.root, args.file, meta=args.meta, dry_run=args.dry_run, progress=not args.quiet,
                             **options)
        for a in batch.added:
            print(a.summary())
        print(batch.summary())
        if not batch.added or args.dry_run:
            return 0 if batch.added or not batch.refused else 2
    if not args.run:
        print("run `python -m ipcompare run` to update the tables")
        return 0
    return _run(build_parser().parse_args(["--root", str(args.root), "run"]))


def _init(args: argparse.Namespace) -> int:
    from . import study

    written = study.init(args.folder, force=args.force)
    print(f"{len(written)} files written in {args.folder}" + "".join(f"\n  {p}" for p in written))
    if study.notebooks() is None:
        print("the notebooks are not installed with this ipcompare (install it from its repository to have them)")
    print(f"next: cd {args.folder} && python -m ipcompare add <your plans> && python -m ipcompare run")
    return 0


def _export(args: argparse.Namespace) -> int:
    from .views import workbook

    t = _corpus(args)
    print(f"{len(t)} tables written to {workbook.write(t, args.xlsx)} (documents first, then the coverage matrix)")
    return 0


def _corpus(args: argparse.Namespace):
    from .project import Project
    from .views.corpus import Corpus

    return Corpus.load(Project(Path(args.root)).processed)


def _kwic(args: argparse.Namespace) -> int:
    from .analysis.search import aligned

    lines = _corpus(args).kwic(args.word, args.window, args.regex, args.province)
    if args.csv:
        lines.to_csv(args.csv, index=False, encoding="utf-8-sig")
    print("\n".join(aligned(lines, args.window)))
    print(f"{len(lines)} occurrences of {args.word}" + (f" in {args.province}" if args.province else ""))
    return 0


def _search(args: argparse.Namespace) -> int:
    found = _corpus(args).search(args.query, args.top)
    if args.csv:
        found.to_csv(args.csv, index=False, encoding="utf-8-sig")
    for r in found.itertuples():
        print(f"{r.rank:>2}. {r.score:6.2f}  {r.task_id}  {r.title}  [{r.matched}]\n    {r.text}")
    if found.empty:
        print(f"no task holds the words of {args.query}")
    return 0


@writes
def _cache(args: argparse.Namespace) -> int:
    import shutil

    from .cache import check_folder
    from .project import Project

    folder = Project(Path(args.root)).cache
    if args.clear:
        shutil.rmtree(folder, ignore_errors=True)
        print(f"{folder} cleared: the next run reads and computes everything again")
        return 0
    found = check_folder(folder)
    for name, (intact, damaged) in found.items():
        print(f"  {name:<50} {intact:>7} entries" + (f", {damaged} damaged: discarded" if damaged else ""))
    damaged = sum(d for _, d in found.values())
    print(f"{len(found)} stores checked in {folder}: " + (f"{damaged} damaged entries discarded (the next run makes "
                                                          "them again)" if damaged else "every entry intact"))
    return 1 if damaged else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ipcompare", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="project folder holding data/ (default: .)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    run = _waits(sub.add_parser("run", help="run the pipeline on data/raw and write data/processed"))
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    run.add_argument("--reference", metavar="DOC_ID",
                     help="national guideline coverage aligns every plan to (default: each plan's own year's)")
    run.add_argument("--body-measures", action="store_true",
                     help="also align to the reference's body measures assigned to local offices")
    run.add_argument("--no-charts", action="store_true", help="tables only: skip reports/ (charts, index.html)")
    run.add_argument("--figures", metavar="all|PLACE,...",
                     help="also draw these places' profile and what-changed charts as PNG and SVG (a run does "
                          "for every place when the corpus has a few, report.STATIC_PLACES)")
    run.add_argument("--no-learn", action="store_true",
                     help="keep the shipped calibration even when the project holds enough validated decisions")
    run.add_argument("--plan", action="store_true",
                     help="print the declared stages (reads -> writes, data, libraries) and charts, and run nothing")
    run.set_defaults(func=_run_or_plan)
    add = _waits(sub.add_parser("add", help="copy new plans (.txt .html .pdf .docx .doc .wps .ofd, scans: .pdf .png .jpg .tif) into data/raw and "
                         "the manifest"))
    add.add_argument("file", nargs="+", metavar="INPUT", help="the plans: files, folders (recursive), glob patterns "
                     "('plans/*.pdf'), lists of paths or addresses (.txt), web addresses of government pages (https://…)")
    add.add_argument("--province", help="short name (湖北), or 全国 for a national document, where neither the text nor the file's "
                     "names state it")
    add.add_argument("--year", help="year or span the plan covers (2025, 2024-2025), where neither the text nor the names "
                     "state it")
    add.add_argument("--level", choices=["national", "provincial", "municipal"],
                     help="default: from the province and city")
    add.add_argument("--city", help="a municipal plan's city (武汉市, 黔东南州); default: detected")
    add.add_argument("--title", help="the plan's own title, where the text does not state it")
    add.add_argument("--doc-id", help="document id (default: province code + first year, e.g. HB2026)")
    add.add_argument("--source", help="where the file came from (URL ...), kept in the manifest")
    add.add_argument("--run", action="store_true", help="run the pipeline afterwards")
    add.add_argument("--meta", type=Path, help="CSV of file,province,year,... for files whose text and names do not "
                     "state them")
    add.add_argument("--dry-run", action="store_true", help="read and check every file, add nothing")
    add.add_argument("--quiet", action="store_true", help="no progress bar")
    add.set_defaults(func=_add)
    init = sub.add_parser("init", help="start a study folder of your own: data/raw with the national guideline, "
                          "data/annotations, notebooks, a README")
    init.add_argument("folder", type=Path, help="the new folder (must be empty)")
    init.add_argument("--force", action="store_true", help="in a folder that is not empty: add only what is missing")
    init.set_defaults(func=_init)
    export = sub.add_parser("export", help="the processed tables as one Excel workbook (a sheet per table)")
    export.add_argument("--xlsx", type=Path, required=True, metavar="FILE", help="the workbook to write (.xlsx)")
    export.set_defaults(func=_export)
    figures = _waits(sub.add_parser("figures", help="draw places' profile and what-changed charts as PNG and SVG "
                             "(a run draws them only for a corpus of a few places; the report has them all interactive)"))
    figures.add_argument("places", nargs="*", metavar="PLACE", help="province or city (湖北, 贵阳市) or its file name (hubei)")
    figures.add_argument("--all", action="store_true", help="every place")
    figures.add_argument("--quiet", action="store_true", help="no progress bar")
    figures.set_defaults(func=_figures)
    evaluate = sub.add_parser("evaluate", help="score the pipeline against a gold CSV")
    evaluations = evaluate.add_subparsers(dest="what", required=True)  # one per evaluated stage
    for what, columns, gold, func, also in (
            ("themes", "task_id,primary,secondary", "themes_dev", _evaluate_themes,
             ("--leave-one-out", "theme each labelled document with a model fitted on the other documents only")),
            ("instruments", "task_id,type,subtype", "instruments_dev", _evaluate_instruments,
             ("--leave-one-out", "code each labelled document with a model fitted on the other documents only")),
            ("coverage", "nat_task,doc,label[,evidence]", "coverage_dev", _evaluate_coverage,
             ("--calibrate", "also print the thresholds that fit this gold best"))):
        stage = evaluations.add_parser(what, help=f"{what} vs a gold CSV {columns}")
        stage.add_argument("--gold", required=True, type=Path, help=f"gold CSV (format of tests/gold/{gold}.csv)")
        stage.add_argument("--json", action="store_true", help="print the scores as JSON")
        stage.add_argument(also[0], action="store_true", help=also[1])
        stage.set_defaults(func=func)
    calibrated = evaluations.add_parser("calibration", help="leave-one-document-out check of the calibrated "
                                        "confidence and review flags on the bundled labels")
    calibrated.add_argument("--json", action="store_true", help="print the scores as JSON")
    calibrated.add_argument("--write-labels", action="store_true", help="first make the bundled labels table "
                            "(ipcompare/data/calibration_labels.csv) again from data/processed and tests/gold")
    calibrated.set_defaults(func=_evaluate_calibration)
    review = _waits(sub.add_parser("review", help="write a review workbook (flagged decisions and a blind sample), "
                                   "or --import a filled one"))
    review.add_argument("--sample", type=int, default=20, help="blind sample size per kind (default: 20)")
    review.add_argument("--seed", type=int, default=0, help="seed of the blind sample (default: 0)")
    review.add_argument("--date", help="the workbook's date, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today)")
    review.add_argument("--import", dest="import_file", type=Path, metavar="FILE.xlsx",
                        help="import the answers of a filled workbook into data/annotations")
    review.add_argument("--replace", action="store_true",
                        help="with --import: an answer replaces an earlier override of the same decision")
    review.set_defaults(func=_review)
    kwic = sub.add_parser("kwic", help="every occurrence of a word in the processed corpus, in context")
    kwic.add_argument("word", help="word or phrase (traditional characters and punctuation variants folded)")
    kwic.add_argument("--window", type=int, default=20, help="characters either side (default: 20)")
    kwic.add_argument("--province", help="one province only (湖北, 全国 ...)")
    kwic.add_argument("--regex", action="store_true", help="WORD is a regular expression")
    kwic.add_argument("--csv", type=Path, help="also write the lines to this CSV")
    kwic.set_defaults(func=_kwic)
    find = sub.add_parser("search", help="the tasks of every document ranked for a query (BM25)")
    find.add_argument("query", help="words to look for (cut into the project's tokens)")
    find.add_argument("--top", type=int, default=10, help="how many tasks (default: 10)")
    find.add_argument("--csv", type=Path, help="also write the results to this CSV")
    find.set_defaults(func=_search)
    cache = _waits(sub.add_parser("cache", help="check data/cache entry by entry (damaged entries discarded; exit 1 if any), or clear it"))
    what = cache.add_mutually_exclusive_group(required=True)
    what.add_argument("--check", action="store_true", help="read every entry and check it against its digest")
    what.add_argument("--clear", action="store_true", help="remove data/cache (the next run makes everything again)")
    cache.set_defaults(func=_cache)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head or less, which stopped reading: nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so Python's exit flush is quiet too
        return 0
    except OSError as err:  # a full disk, a read-only folder, a file that cannot be written
        if args.debug or err.errno is None:
            raise
        print(f"error: {err.filename or args.root}: {err.strerror}; earlier outputs are unchanged", file=sys.stderr)
        return 2
