"""The review workbook: a person checks what the machine is unsure of and codes a blind sample.

``python -m ipcompare review`` writes ``reviews/review-<date>.xlsx`` (:func:`export`): one sheet per
kind (coverage, themes, instruments), one row per decision with its evidence side by side, an
``answer`` column with a drop-down of the allowed values (Excel data validation) and a ``notes``
column. Part a: every decision flagged for review (``review`` of the tables,
:mod:`ipcompare.analysis.calibration`), most consequential first (coverage: required duties first;
then the least confident). Part b: a blind validation sample, ``sample`` decisions per kind drawn at
random (``seed``) from all automatic decisions, stratified by document (each document's share of
the kind's decisions, largest remainders), with the machine's answer, its confidence and its reading
of the evidence (:data:`BLIND_HIDDEN`: requirements it found met, secondary class, deciding words) left out. A
decision drawn for part b is not repeated in part a. Each row's ``check`` is a hash of its kind, id
and part: an edited id or part is refused on import.

``review --import FILE`` (:func:`import_workbook`) checks the whole workbook first (missing sheet,
changed header, unknown or edited id, an answer outside the allowed values: one line per problem,
nothing written), then appends each answered decision to ``data/annotations/<kind>_overrides.csv``
(rows already there are never removed; an earlier override with another value is reported and kept,
unless ``replace``) and each blind answer to ``data/annotations/validation.csv`` with the machine's
decision. Importing the same workbook again adds nothing. :func:`agreement` gives, per kind, the
agreement of person and machine on the blind answers: accuracy with its Wilson 95% interval,
Cohen's kappa, Krippendorff's alpha (nominal) and the confusion matrix; instruments are compared on
their type (and sub-type).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .. import tables
from ..analysis import coverage as cov
from ..analysis import calibration, instruments, themes
from ..errors import InputError
from ..project import Project

KINDS = ("coverage", "themes", "instruments")
PARTS = {"a": "a: flagged for review", "b": "b: blind sample (machine answer hidden)"}
OVERRIDES = {"coverage": ("coverage_overrides.csv", ["nat_task", "doc_id", "verdict", "note"]),
             "themes": (themes.OVERRIDES, ["task_id", "theme", "note"]),
             "instruments": (instruments.OVERRIDES, ["task_id", "subtype", "note"])}
VALIDATION, VALIDATION_COLUMNS = calibration.VALIDATION, list(tables.SCHEMAS["validation"].columns)
TAIL = ["machine", "p_correct", "answer", "notes"]  # the last columns of every sheet
EVIDENCE = {"coverage": ["doc_id", "duty_level", "nat_title", "requirements", "matched_tasks", "met_requirements",
                         "missing_requirements"],
            "themes": ["doc_id", "title", "content", "secondary", "evidence"],
            "instruments": ["doc_id", "title", "content", "secondary", "clauses", "evidence"]}
# What a blind row leaves out besides the machine's answer: the machine's own reading of the evidence.
BLIND_HIDDEN = {"coverage": ["met_requirements", "missing_requirements"], "themes": ["secondary", "evidence"],
                "instruments": ["secondary", "clauses", "evidence"]}
WIDTHS = {"requirements": 60, "matched_tasks": 70, "content": 70, "nat_title": 24, "title": 24, "notes": 30}


def allowed(kind: str) -> list[str]:
    """The values an answer of ``kind`` may take."""
    if kind == "coverage":
        return list(cov.VERDICTS)
    if kind == "themes":
        return [*themes.theme_ids(), themes.NON_TASK]
    return [c.id for c in instruments.taxonomy()["subtypes"]]


def check(kind: str, item: str, part: str) -> str:
    """The row's check: a short hash of what identifies it."""
    return hashlib.sha256(f"{kind}\t{item}\t{part}".encode()).hexdigest()[:10]


def decisions(kind: str, t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The automatic decisions of ``kind`` with their evidence: id, the :data:`EVIDENCE` columns,
    machine (its decision), p_correct, review, rank (most consequential first) and source."""
    tasks = t["tasks"].set_index("task_id")
    if kind == "coverage":
        df = t["coverage"]
        reqs = t["requirements"].groupby("nat_task")["text"].agg(
            lambda s: "\n".join(f"{i}. {x}" for i, x in enumerate(s, 1)))
        content = tasks["content"]
        matched = ["\n".join(f"{j}: {content.get(j, '')}" for j in tables.split_list(ids)) for ids in df["evidence_ids"]]
        out = df.assign(id=df["nat_task"] + " x " + df["doc_id"], requirements=df["nat_task"].map(reqs).fillna(""),
                        matched_tasks=matched, machine=df["auto_verdict"],
                        rank=df["duty_level"].map(cov.DUTY_LEVELS.index))
    else:
        df = t[kind]
        column = "auto_theme" if kind == "themes" else "auto_subtype"
        out = df.assign(id=df["task_id"], title=df["task_id"].map(tasks["title"]),
                        content=df["task_id"].map(tasks["content"]), machine=df[column], rank=0)
        if kind == "themes":
            out = out[out["machine"] != themes.NON_TASK]
    out = out.sort_values(["rank", "p_correct", "id"], kind="stable")
    return out[["id", *EVIDENCE[kind], "machine", "p_correct", "review", "source"]].reset_index(drop=True)


def blind_sample(rows: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` rows drawn at random (``seed``), stratified by ``doc_id`` (largest remainders), in id order."""
    n = min(n, len(rows))
    if n <= 0:
        return rows.iloc[:0]
    sizes = rows.groupby("doc_id").size()
    quota = sizes / sizes.sum() * n
    take = np.floor(quota).astype(int)
    extra = (quota - take).sort_values(ascending=False, kind="stable").index[: n - take.sum()]
    take[extra] += 1
    rng = np.random.default_rng(seed)
    picked = [g.iloc[np.sort(rng.choice(len(g), take[d], replace=False))] for d, g in rows.groupby("doc_id", sort=True)]
    return pd.concat(picked).sort_values("id", kind="stable")


def review_date(date: str | None = None) -> dt.date:
    """``date`` (YYYY-MM-DD), else SOURCE_DATE_EPOCH's day (UTC), else today."""
    if date:
        try:
            return dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(f"--date {date}: not a date (YYYY-MM-DD)") from None
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.timezone.utc).date()
    return dt.date.today()


def sheet_rows(kind: str, t: dict[str, pd.DataFrame], sample: int, seed: int) -> pd.DataFrame:
    """The rows of a kind's sheet: part a (flagged) then part b (blind), with their checks."""
    auto = decisions(kind, t)
    auto = auto[auto["source"] == "auto"]
    blind = blind_sample(auto, sample, seed).assign(part=PARTS["b"], machine="", p_correct=np.nan,
                                                    **dict.fromkeys(BLIND_HIDDEN[kind], ""))
    flagged = auto[auto["review"] & ~auto["id"].isin(blind["id"])].assign(part=PARTS["a"])
    rows = pd.concat([flagged, blind], ignore_index=True).assign(answer="", notes="")
    rows["check"] = [check(kind, i, p) for i, p in zip(rows["id"], rows["part"])]
    return rows[["id", "part", "check", *EVIDENCE[kind], *TAIL]]


def export(project: Project, sample: int = 20, seed: int = 0, date: str | None = None) -> Path:
    """Write ``reviews/review-<date>.xlsx`` (see the module docstring) and return its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    day = review_date(date)
    t = {name: tables.read_table(name, project.processed) for name in ("tasks", "requirements", *KINDS)}
    wb = Workbook()
    about = wb.active
    about.title = "about"
    values = wb.create_sheet("values")
    counts = {}
    for k, kind in enumerate(KINDS):
        rows = sheet_rows(kind, t, sample, seed)
        counts[kind] = (rows["part"] == PARTS["a"]).sum(), (rows["part"] == PARTS["b"]).sum()
        ws = wb.create_sheet(kind)
        ws.append(list(rows.columns))
        for row in rows.itertuples(index=False):
            ws.append(["" if isinstance(v, float) and math.isnan(v) else v for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "D2"
        for j, name in enumerate(rows.columns, 1):
            ws.column_dimensions[ws.cell(1, j).column_letter].width = WIDTHS.get(name, 14)
            for cell in ws[ws.cell(1, j).column_letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        options = allowed(kind)
        for i, value in enumerate(options, 1):
            values.cell(i, k + 1, value)
        letter = values.cell(1, k + 1).column_letter
        answer = ws.cell(1, list(rows.columns).index("answer") + 1).column_letter
        dv = DataValidation(type="list", formula1=f"values!${letter}$1:${letter}${len(options)}", allow_blank=True,
                            showErrorMessage=True, error="Choose one of the listed values")
        ws.add_data_validation(dv)
        if len(rows):
            dv.add(f"{answer}2:{answer}{len(rows) + 1}")
    values.sheet_state = "hidden"
    lines = [f"ipcompare review workbook of {day.isoformat()} ({project.processed})",
             "Answer in the 'answer' column (drop-down); leave it empty to skip a row; add notes freely.",
             "Do not edit id, part or check: an edited row is refused on import.",
             "Part a: decisions flagged for review (p_correct below the calibrated cut), most consequential first.",
             f"Part b: a blind validation sample of {sample} decisions per kind, drawn at random (seed {seed}), "
             "stratified by document; the machine's answer, confidence and reading of the evidence (requirements it "
             "found met, secondary class, deciding words) are hidden: code them from the texts alone.",
             *[f"{kind}: {a} flagged, {b} in the blind sample" for kind, (a, b) in counts.items()],
             "Then: python -m ipcompare review --import <this file>"]
    for line in lines:
        about.append([line])
    about.column_dimensions["A"].width = 120
    stamp = dt.datetime.combine(day, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "ipcompare"
    path = project.root / "reviews" / f"review-{day.isoformat()}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    _fix_zip_dates(tmp, stamp)
    os.replace(tmp, path)
    return path


def _fix_zip_dates(path: Path, stamp: dt.datetime) -> None:
    """Rewrite the workbook's zip with every entry, and its modified property, dated ``stamp``
    (openpyxl dates them when it saves)."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = [(name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + when, data) if name == "docProps/core.xml"
                else data) for name, data in entries]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, stamp.timetuple()[:6]), data, zipfile.ZIP_DEFLATED)


# -- import ------------------------------------------------------------------------------------

def read_workbook(path: Path, t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The answered rows of each sheet (kind: id, part, doc_id, answer, notes); every problem of the
    workbook raises one :class:`InputError` listing them, one line each."""
    from openpyxl import load_workbook

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a file that is no workbook
        raise InputError(f"{path}: not a readable .xlsx workbook ({type(err).__name__})") from None
    problems, out = [], {}
    for kind in KINDS:
        if kind not in wb.sheetnames:
            problems.append(f"sheet {kind!r} is missing")
            continue
        rows = [["" if v is None else str(v).strip() for v in r] for r in wb[kind].iter_rows(values_only=True)]
        header = ["id", "part", "check", *EVIDENCE[kind], *TAIL]
        if not rows or rows[0][: len(header)] != header:
            problems.append(f"sheet {kind}: the header row was changed (expected {', '.join(header)})")
            continue
        known, values = set(decisions(kind, t)["id"]), set(allowed(kind))
        doc = decisions(kind, t).set_index("id")["doc_id"]
        col = {name: header.index(name) for name in header}
        answered = []
        for n, r in enumerate(rows[1:], 2):
            r = r + [""] * (len(header) - len(r))
            item, part, answer = r[col["id"]], r[col["part"]], r[col["answer"]]
            if not any(r):
                continue
            if part not in PARTS.values() or r[col["check"]] != check(kind, item, part):
                problems.append(f"sheet {kind} row {n}: id {item!r} or its part was edited (check does not match)")
            elif item not in known:
                problems.append(f"sheet {kind} row {n}: unknown id {item!r} (not in the processed tables)")
            elif answer and answer not in values:
                problems.append(f"sheet {kind} row {n}: answer {answer!r} is not one of {', '.join(allowed(kind))}")
            elif answer:
                answered.append({"id": item, "part": part, "doc_id": doc[item], "answer": answer,
                                 "notes": r[col["notes"]]})
        out[kind] = pd.DataFrame(answered, columns=["id", "part", "doc_id", "answer", "notes"])
    if problems:
        raise InputError(f"\nerror: {path}: ".join([f"{path}: {problems[0]}", *problems[1:]]))
    return out


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    return tables.read_user_csv(path, columns) if path.exists() else pd.DataFrame(columns=columns)


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    df.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    os.replace(tmp, path)


def machine_labels(kind: str, t: dict[str, pd.DataFrame]) -> pd.Series:
    """The automatic decision of every id of ``kind``."""
    return decisions(kind, t).set_index("id")["machine"]


def import_workbook(project: Project, path: Path, replace: bool = False) -> list[str]:
    """Import a filled review workbook (see the module docstring); returns the report's lines."""
    t = {name: tables.read_table(name, project.processed) for name in ("tasks", "requirements", *KINDS)}
    answers = read_workbook(path, t)
    workbook, report, writes = Path(path).name, [], {}
    answered = calibration.read_answers(project.annotations)
    new_validation = []
    for kind in KINDS:
        rows = answers[kind]
        name, columns = OVERRIDES[kind]
        existing = _read_csv(project.annotations / name, columns)
        key = ["nat_task", "doc_id"] if kind == "coverage" else ["task_id"]
        ids = existing[key].agg(" x ".join, axis=1) if len(existing) else pd.Series(dtype=str)
        held = dict(zip(ids, existing.index))
        added = kept = replaced = 0
        for r in rows.itertuples():
            note = f"review {workbook}" + (f": {r.notes}" if r.notes else "")
            if r.id in held:
                old = existing.loc[held[r.id], columns[-2]]
                if old == r.answer:
                    continue
                if not replace:
                    report.append(f"{kind}: {r.id} keeps its earlier override {old!r} (answered {r.answer!r}; "
                                  "--replace to take the answer)")
                    kept += 1
                    continue
                existing.loc[held[r.id], [columns[-2], "note"]] = [r.answer, note]
                replaced += 1
            else:
                existing.loc[len(existing)] = [*r.id.split(" x "), r.answer, note]
                held[r.id] = existing.index[-1]
                added += 1
        if added or replaced:
            writes[project.annotations / name] = existing
        report.append(f"{kind}: {len(rows)} answers, {added} overrides added, {replaced} replaced, {kept} conflicts kept")
        machine = machine_labels(kind, t)
        for r in rows[rows["part"] == PARTS["b"]].itertuples():
            seen = (answered["kind"] == kind) & (answered["id"] == r.id) & (answered["workbook"] == workbook)
            if not seen.any():
                new_validation.append([kind, r.id, r.doc_id, r.answer, machine[r.id], workbook, r.notes])
    if new_validation:
        answered = pd.concat([answered, pd.DataFrame(new_validation, columns=VALIDATION_COLUMNS)], ignore_index=True)
        writes[project.annotations / VALIDATION] = answered
    for target, df in writes.items():
        _write_csv(df, target)
    report.append(f"blind answers: {len(new_validation)} added to {project.annotations / VALIDATION}")
    return report + [format_agreement(agreement(answered))]


def answers_from_labels(gold_dir: Path) -> dict[str, dict[str, str]]:
    """Answers by kind and id from label files in the formats ``evaluate`` reads, every one of
    ``gold_dir`` named coverage_*.csv (nat_task, doc, label), themes_*.csv (task_id, primary) and
    instruments_*.csv (task_id, subtype): to fill a workbook from labels made elsewhere."""
    from ..analysis import evaluate

    out: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for path in sorted(Path(gold_dir).glob("coverage_*.csv")):
        g = tables.read_user_csv(path, evaluate.COVERAGE_GOLD_COLUMNS, evaluate.COVERAGE_GOLD_COLUMNS[:3])
        out["coverage"] |= dict(zip(g["nat_task"] + " x " + g["doc"], g["label"]))
    for kind, columns, value in (("themes", evaluate.THEME_GOLD_COLUMNS, "primary"),
                                 ("instruments", evaluate.INSTRUMENT_GOLD_COLUMNS, "subtype")):
        for path in sorted(Path(gold_dir).glob(f"{kind}_*.csv")):
            g = tables.read_user_csv(path, columns)
            out[kind] |= dict(zip(g["task_id"], g[value]))
    return out


def fill(path: Path, answers: dict[str, dict[str, str]]) -> Path:
    """Write ``answers`` (kind -> id -> value) into the answer column of a review workbook (as a person
    would in Excel); rows without an answer stay empty."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for kind in KINDS:
        ws = wb[kind]
        column = [c.value for c in ws[1]].index("answer")
        for row in ws.iter_rows(min_row=2):
            if row[0].value in answers.get(kind, {}):
                row[column].value = answers[kind][row[0].value]
    wb.save(path)
    return path


# -- agreement ---------------------------------------------------------------------------------

def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score 95% interval of the proportion k / n."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(centre - half, 4), round(centre + half, 4)


def label_agreement(person, machine) -> dict:
    """Accuracy (share of agreement) with its Wilson interval, Cohen's kappa, Krippendorff's alpha
    (nominal) and the confusion counts (rows: person, columns: machine)."""
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    person, machine = np.asarray(person, dtype=object), np.asarray(machine, dtype=object)
    n, k = len(person), int((person == machine).sum())
    codes = {v: i for i, v in enumerate(sorted(set(person) | set(machine)))}
    data = np.array([[codes[v] for v in person], [codes[v] for v in machine]], dtype=float)
    alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal") if len(codes) > 1 else 1.0
    confusion = pd.crosstab(pd.Series(person, name="person"), pd.Series(machine, name="machine"))
    return {"n": n, "accuracy": round(k / n, 4) if n else float("nan"), "interval": wilson(k, n),
            "kappa": round(float(cohen_kappa_score(person, machine)), 4) if len(codes) > 1 else 1.0,
            "alpha": round(float(alpha), 4),
            "confusion": {g: {p: int(c) for p, c in row.items() if c} for g, row in confusion.iterrows()}}


def agreement(answers: pd.DataFrame) -> dict[str, dict]:
    """:func:`label_agreement` of person and machine on the blind answers, per kind (instruments: on
    the type, and ``instruments_subtype``); kinds without answers are left out."""
    out = {}
    kinds = instruments.type_of()
    for kind in KINDS:
        rows = answers[answers["kind"] == kind]
        if rows.empty:
            continue
        if kind == "instruments":
            out[kind] = label_agreement(rows["person"].map(kinds), rows["machine"].map(kinds))
            out["instruments_subtype"] = label_agreement(rows["person"], rows["machine"])
        else:
            out[kind] = label_agreement(rows["person"], rows["machine"])
    return out


def agreement_table(answers: pd.DataFrame) -> pd.DataFrame:
    """:func:`agreement` as a table, one row per kind: n, accuracy, ci_low, ci_high, kappa, alpha."""
    rows = {k: {"n": a["n"], "accuracy": a["accuracy"], "ci_low": a["interval"][0], "ci_high": a["interval"][1],
                "kappa": a["kappa"], "alpha": a["alpha"]} for k, a in agreement(answers).items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["n", "accuracy", "ci_low", "ci_high", "kappa", "alpha"])


def format_agreement(result: dict[str, dict]) -> str:
    """The agreement per kind as text (figures, then the confusion matrix)."""
    if not result:
        return "agreement: no blind answers yet"
    lines = []
    for kind, r in result.items():
        lo, hi = r["interval"]
        lines.append(f"{kind}: {r['n']} blind decisions, agreement {r['accuracy']:.3f} (95% CI {lo:.3f}-{hi:.3f}), "
                     f"Cohen's kappa {r['kappa']:.3f}, Krippendorff's alpha {r['alpha']:.3f}")
        confusion = pd.DataFrame(r["confusion"]).T.fillna(0).astype(int)
        lines += ["  confusion (rows: person, columns: machine):",
                  *("  " + x for x in confusion.sort_index().sort_index(axis=1).to_string().splitlines())]
    return "\n".join(lines)
