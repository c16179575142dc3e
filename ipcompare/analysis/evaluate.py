"""Scores of pipeline outputs against hand-labelled gold files (one function per evaluated stage)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import tables
from ..errors import InputError
from . import calibration
from .coverage import calibrate_coverage, verdict_scores

THEME_GOLD_COLUMNS = ["task_id", "primary", "secondary"]


def label_scores(y_true, y_pred) -> dict:
    """Accuracy, macro-F1 (over every label in gold or prediction), Cohen's kappa and confusion
    counts (gold rows x predicted columns) of predicted labels against gold ones."""
    from sklearn import metrics

    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    confusion = pd.crosstab(pd.Series(y_true, name="gold"), pd.Series(y_pred, name="predicted"))
    return {
        "n": len(y_true),
        "accuracy": round(metrics.accuracy_score(y_true, y_pred), 4),
        "macro_f1": round(metrics.f1_score(y_true, y_pred, average="macro", zero_division=0), 4),
        "kappa": round(metrics.cohen_kappa_score(y_true, y_pred), 4),
        "confusion": {g: {p: int(c) for p, c in row.items() if c} for g, row in confusion.iterrows()},
    }


def theme_scores(gold: pd.DataFrame, predicted: pd.Series) -> dict:
    """Scores of predicted primary themes (indexed by task_id) against gold rows (task_id, primary, secondary).

    :func:`label_scores` of the primary theme; ``primary_or_secondary``: share where the prediction
    is the gold primary or secondary; NMI and ARI of the two partitions.
    """
    from sklearn import metrics

    y_true, y_pred = gold["primary"].to_numpy(), predicted.loc[gold["task_id"]].to_numpy()
    either = (y_pred == y_true) | (y_pred == gold["secondary"].to_numpy())
    scores = label_scores(y_true, y_pred)
    return {
        **{k: scores[k] for k in ("n", "accuracy", "macro_f1", "kappa")},
        "primary_or_secondary": round(float(either.mean()), 4),
        "nmi": round(metrics.normalized_mutual_info_score(y_true, y_pred), 4),
        "ari": round(metrics.adjusted_rand_score(y_true, y_pred), 4),
        "confusion": scores["confusion"],
    }


def themes(gold_path: Path, processed: Path, leave_one_out: bool = False, cache: Path | None = None) -> dict:
    """Score the automatic themes of ``processed/themes.csv`` (``auto_theme``: manual overrides are
    not counted) against a gold CSV ``task_id,primary,secondary``. Gold tasks missing from the
    corpus are listed under ``missing`` and left out of the scores. ``leave_one_out``: each
    document with gold tasks is themed instead by a model fitted on the other documents only
    (:func:`leave_one_out_labels`, the tokens kept in ``cache``: the project's cache folder), the scores of each
    document under ``per_document``."""
    from .themes import NON_TASK, theme_ids

    gold = tables.read_user_csv(gold_path, THEME_GOLD_COLUMNS)
    allowed = set(theme_ids()) | {NON_TASK}
    for line, row in zip(gold.index + 2, gold.itertuples()):
        if row.primary not in allowed or row.secondary not in allowed | {""}:
            raise InputError(f"{gold_path}: line {line}: unknown theme in {row.primary!r}, {row.secondary!r}")
    if leave_one_out:
        tasks = tables.read_table("tasks", processed)
        predicted = leave_one_out_labels(tasks, gold.task_id, cache)
    else:
        predicted = tables.read_table("themes", processed).set_index("task_id")["auto_theme"]
    missing = sorted(set(gold.task_id) - set(predicted.index))
    scored = gold[gold.task_id.isin(predicted.index)]
    if scored.empty:
        raise InputError(f"{gold_path}: no gold task is in the corpus")
    result = {"gold": str(gold_path), "missing": missing, **theme_scores(scored, predicted)}
    if not leave_one_out:
        result |= flag_scores(scored["task_id"], predicted.loc[scored["task_id"]].to_numpy() == scored["primary"].to_numpy(),
                              "themes", processed)
    if leave_one_out:
        result["per_document"] = {d: theme_scores(g, predicted)["accuracy"] for d, g in _by_document(scored, tasks)}
    return result


def flag_scores(task_ids, right, table: str, processed: Path) -> dict:
    """Share of the scored decisions (``task_ids``, ``right`` against the labels) the table flags for
    review, and the accuracy of the others (:mod:`ipcompare.analysis.calibration`)."""
    review = tables.read_table(table, processed).set_index("task_id")["review"].loc[task_ids].to_numpy(dtype=bool)
    scores = calibration.shares(right, review)
    return {k: scores[k] for k in ("flagged_share", "unflagged_accuracy")}


def _by_document(gold: pd.DataFrame, tasks: pd.DataFrame):
    """(doc_id, its gold rows) of gold rows by task_id (documents of ``tasks``), in doc_id order."""
    doc = tasks.set_index("task_id")["doc_id"]
    return gold.groupby(gold.task_id.map(doc), sort=True)


def leave_one_out_labels(tasks: pd.DataFrame, task_ids, cache_dir: Path | None = None, model_class=None) -> pd.Series:
    """The label (theme, or instrument sub-type with ``model_class`` InstrumentModel) of every task
    of each document holding one of ``task_ids``, by a model fitted on the tasks of the other
    documents only (the document is new to it), by task_id."""
    from .themes import ThemeModel

    model_class = model_class or ThemeModel
    doc_ids = sorted(set(tasks.loc[tasks.task_id.isin(set(task_ids)), "doc_id"]))
    out = [model_class(cache_dir).fit(tasks[tasks.doc_id != d]).transform(tasks[tasks.doc_id == d]).set_index("task_id")["theme"]
           for d in doc_ids]
    return pd.concat(out) if out else pd.Series(dtype=str)


def format_report(result: dict) -> str:
    """Plain-text report of a scores dict (the metrics, missing items, then the confusion table)."""
    lines = [f"gold: {result['gold']} ({result['n']} scored)"]
    lines += [f"  {k:<22}{v}" for k, v in result.items() if isinstance(v, float)]
    if result["missing"]:
        lines.append(f"missing from the corpus ({len(result['missing'])}): {', '.join(result['missing'])}")
    if "per_document" in result:
        lines.append("leave one document out, accuracy of each document: "
                     + ", ".join(f"{d} {a}" for d, a in result["per_document"].items()))
    confusion = pd.DataFrame(result["confusion"]).T.fillna(0).astype(int)
    confusion = confusion.reindex(columns=sorted(confusion.columns), index=sorted(confusion.index), fill_value=0)
    lines += ["confusion (rows: gold, columns: predicted):", confusion.to_string()]
    return "\n".join(lines)


INSTRUMENT_GOLD_COLUMNS = ["task_id", "type", "subtype"]


def instrument_scores(gold: pd.DataFrame, predicted: pd.DataFrame) -> dict:
    """:func:`label_scores` of the instrument ``type`` and ``subtype`` of ``predicted`` (indexed by
    task_id) against gold rows (task_id, type, subtype)."""
    rows = predicted.loc[gold["task_id"]]
    return {"n": len(gold), **{c: label_scores(gold[c], rows[c]) for c in ("type", "subtype")}}


def instruments(gold_path: Path, processed: Path, leave_one_out: bool = False, cache: Path | None = None) -> dict:
    """Score the automatic instruments of ``processed/instruments.csv`` (``auto_subtype`` and its
    type: manual overrides are not counted) against a gold CSV ``task_id,type,subtype``. Gold
    tasks missing from the table are listed under ``missing`` and left out of the scores.
    ``leave_one_out``: each document with gold tasks is coded instead by a model fitted on the
    other documents' work tasks only (:func:`leave_one_out_labels`, the tokens kept in ``cache``), each
    document's type and sub-type accuracy under ``per_document``."""
    from .instruments import InstrumentModel, type_of

    gold = tables.read_user_csv(gold_path, INSTRUMENT_GOLD_COLUMNS)
    kinds = type_of()
    for line, row in zip(gold.index + 2, gold.itertuples()):
        if kinds.get(row.subtype) != row.type:
            raise InputError(f"{gold_path}: line {line}: unknown type or sub-type {row.type!r}, {row.subtype!r}")
    if leave_one_out:
        tasks = tables.read_table("tasks", processed)
        subtype = leave_one_out_labels(tasks[tasks.kind == "task"], gold.task_id, cache,
                                       InstrumentModel)
    else:
        subtype = tables.read_table("instruments", processed).set_index("task_id")["auto_subtype"]
    predicted = pd.DataFrame({"subtype": subtype, "type": subtype.map(kinds)})
    missing = sorted(set(gold.task_id) - set(predicted.index))
    scored = gold[gold.task_id.isin(predicted.index)]
    if scored.empty:
        raise InputError(f"{gold_path}: no gold task is in the corpus")
    result = {"gold": str(gold_path), "missing": missing, **instrument_scores(scored, predicted)}
    if not leave_one_out:
        result |= flag_scores(scored["task_id"], predicted.loc[scored["task_id"], "type"].to_numpy() == scored["type"].to_numpy(),
                              "instruments", processed)
    for d, g in _by_document(scored, tasks) if leave_one_out else ():
        scores = instrument_scores(g, predicted)
        for level in ("type", "subtype"):
            result[level].setdefault("per_document", {})[d] = scores[level]["accuracy"]
    return result


def format_levels(result: dict, levels=("type", "subtype")) -> str:
    """:func:`format_report` of each level of a result holding one scores dict per level."""
    return "\n".join(f"{level}:\n" + format_report({**result, **result[level]}) for level in levels)


COVERAGE_GOLD_COLUMNS = ["nat_task", "doc", "label", "evidence"]  # evidence is optional


def coverage_scores(gold: pd.DataFrame, predicted: pd.DataFrame) -> dict:
    """Scores of predicted verdicts (rows in gold order: ``verdict``, ``evidence_ids``) against gold
    rows (label, evidence): 3-way accuracy, F1 of addressed (covered or partial) vs absent,
    ``evidence_top3`` (share of addressed gold rows with evidence where a gold evidence task is
    among the top-3 matches), confusion counts (gold rows x predicted columns)."""
    y_true, y_pred = gold["label"].to_numpy(), predicted["verdict"].to_numpy()
    accuracy, f1 = verdict_scores(y_true, y_pred)
    with_evidence = (y_true != "absent") & (gold["evidence"] != "").to_numpy()
    hits = [bool(set(tables.split_list(g)) & set(tables.split_list(p)))
            for g, p in zip(gold["evidence"][with_evidence], predicted["evidence_ids"][with_evidence])]
    confusion = pd.crosstab(pd.Series(y_true, name="gold"), pd.Series(y_pred, name="predicted"))
    return {
        "n": len(gold),
        "accuracy": round(accuracy, 4),
        "addressed_f1": round(f1, 4),
        "evidence_top3": round(sum(hits) / len(hits), 4) if hits else float("nan"),
        "n_evidence": len(hits),
        "false_gaps": round(float((y_true[y_pred == "absent"] != "absent").mean()), 4) if (y_pred == "absent").any()
        else 0.0,
        "confusion": {g: {p: int(c) for p, c in row.items() if c} for g, row in confusion.iterrows()},
    }


def _coverage_rows(gold_path: Path, processed: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Gold rows found in ``processed/coverage.csv``, the table's rows for them (in gold order, the
    automatic verdict as ``verdict``) and the gold pairs missing from it."""
    from .coverage import VERDICTS

    gold_path = Path(gold_path)
    gold = tables.read_user_csv(gold_path, COVERAGE_GOLD_COLUMNS, required=COVERAGE_GOLD_COLUMNS[:3])
    for line, row in zip(gold.index + 2, gold.itertuples()):
        if row.label not in VERDICTS:
            raise InputError(f"{gold_path}: line {line}: unknown label {row.label!r} (covered, partial or absent)")
    table = tables.read_table("coverage", processed).set_index(["nat_task", "doc_id"])
    keys = list(zip(gold["nat_task"], gold["doc"]))
    known = [k in table.index for k in keys]
    missing = [f"{n} x {d}" for (n, d), ok in zip(keys, known) if not ok]
    scored = gold[known].reset_index(drop=True)
    if scored.empty:
        raise InputError(f"{gold_path}: no gold pair (nat_task, doc) is in the coverage table")
    predicted = table.loc[[k for k, ok in zip(keys, known) if ok]].reset_index()
    return scored, predicted.assign(verdict=predicted["auto_verdict"]), missing


def coverage(gold_path: Path, processed: Path, calibrate: bool = False) -> dict:
    """Score the automatic verdicts of ``processed/coverage.csv`` (``auto_verdict``: manual overrides
    are not counted) against a gold CSV ``nat_task,doc,label[,evidence]`` (evidence: task ids joined
    by ``;``). Gold pairs missing from the table are listed under ``missing``. ``calibrate`` adds
    the thresholds that would fit this gold best (:func:`calibrate_coverage`)."""
    scored, predicted, missing = _coverage_rows(gold_path, processed)
    result = {"gold": str(gold_path), "missing": missing, **coverage_scores(scored, predicted)}
    scores = calibration.shares(predicted["verdict"].to_numpy() == scored["label"].to_numpy(),
                                predicted["review"].to_numpy(dtype=bool))
    result |= {k: scores[k] for k in ("flagged_share", "unflagged_accuracy")}
    if calibrate:
        result["calibration"] = calibrate_coverage(scored, predicted)
    return result


def coverage_leave_one_out(gold_paths: list[Path], processed: Path) -> dict:
    """Leave-one-document-out check of the calibration: for each document of the gold files, the
    thresholds :func:`calibrate_coverage` fits on the other documents' labels score its labels.
    Per document and pooled over all held-out rows (accuracy, false gaps, confusion)."""
    from .coverage import row_verdict

    parts = [_coverage_rows(path, processed)[:2] for path in gold_paths]
    gold, predicted = (pd.concat(p, ignore_index=True) for p in zip(*parts))
    held = predicted.copy()
    per_document = {}
    for doc in dict.fromkeys(gold["doc"]):
        out, rest = (gold["doc"] == doc).to_numpy(), (gold["doc"] != doc).to_numpy()
        fit = calibrate_coverage(gold[rest].reset_index(drop=True), predicted[rest].reset_index(drop=True))
        rows = predicted[out]
        held.loc[out, "verdict"] = [row_verdict(r, fit["T_COVERED"], fit["T_PARTIAL"]) for r in rows.itertuples()]
        per_document[doc] = {"accuracy": coverage_scores(gold[out], held[out])["accuracy"],
                             "T_COVERED": fit["T_COVERED"], "T_PARTIAL": fit["T_PARTIAL"]}
    return {"per_document": per_document, **coverage_scores(gold, held)}


def calibration_labels(processed: Path, gold_dir: Path) -> pd.DataFrame:
    """The labels table of :mod:`ipcompare.analysis.calibration` from a run of the bundled corpus
    (``processed``) and its gold files (``gold_dir``): each label with the decision and its margins."""
    from .calibration import GOLD, LABEL_COLUMNS
    from .instruments import type_of

    parts = []
    for name in GOLD["coverage"]:
        gold, predicted, _ = _coverage_rows(Path(gold_dir) / f"{name}.csv", processed)
        parts.append(predicted.assign(kind="coverage", item=predicted["nat_task"], gold=gold["label"].to_numpy(),
                                      predicted=predicted["verdict"]))
    doc = tables.read_table("tasks", processed).set_index("task_id")["doc_id"]
    for kind, table, gold_column, decided in (("themes", "themes", "primary", lambda r: r["auto_theme"]),
                                               ("instruments", "instruments", "type",
                                                lambda r: r["auto_subtype"].map(type_of()))):
        rows = tables.read_table(table, processed).set_index("task_id")
        for name in GOLD[kind]:
            gold = tables.read_user_csv(Path(gold_dir) / f"{name}.csv", THEME_GOLD_COLUMNS if kind == "themes"
                                        else INSTRUMENT_GOLD_COLUMNS)
            mine = rows.loc[gold["task_id"]]
            parts.append(pd.DataFrame({"kind": kind, "doc_id": gold["task_id"].map(doc).to_numpy(),
                                       "item": gold["task_id"], "gold": gold[gold_column],
                                       "predicted": decided(mine).to_numpy(), "margin": mine["confidence"].to_numpy()}))
    return pd.concat(parts, ignore_index=True).reindex(columns=LABEL_COLUMNS)


def coverage_bounds(t_covered: float | None = None, t_partial: float | None = None) -> tuple[float, float, float]:
    """The coverage rule's constants the calibration reads margins from (default: the shipped thresholds)."""
    from . import coverage

    return (coverage.T_COVERED if t_covered is None else t_covered,
            coverage.T_PARTIAL if t_partial is None else t_partial, coverage.R_BREADTH)


def calibration_leave_one_out(kind: str, labels: pd.DataFrame | None = None) -> dict:
    """Leave-one-document-out check of :mod:`ipcompare.analysis.calibration`: each labelled document's
    decisions get the probability and review cut fitted on the other documents' labels (coverage: also
    the thresholds, :func:`calibrate_coverage`, and the verdicts they give); the flagged share and the
    accuracy of the decisions not flagged, pooled and per document."""
    from .coverage import row_verdict

    labels = calibration.read_labels() if labels is None else labels
    labels = labels[labels["kind"] == kind].reset_index(drop=True)
    right, flagged, per_document = np.zeros(len(labels), bool), np.zeros(len(labels), bool), {}
    for doc in sorted(set(labels["doc_id"])):
        out = (labels["doc_id"] == doc).to_numpy()
        fold, bounds = labels, ()
        if kind == "coverage":
            fit = calibrate_coverage(labels[~out].rename(columns={"gold": "label"}).reset_index(drop=True),
                                     labels[~out].reset_index(drop=True))
            bounds = coverage_bounds(fit["T_COVERED"], fit["T_PARTIAL"])
            fold = labels.assign(predicted=[row_verdict(r, *bounds[:2]) for r in labels.itertuples()])
        fitted = calibration.fit(kind, fold[~out].reset_index(drop=True), bounds)
        held = fold[out].reset_index(drop=True)
        right[out] = (held["predicted"] == held["gold"]).to_numpy()
        flagged[out] = fitted.p(held) < fitted.cut
        per_document[doc] = calibration.shares(right[out], flagged[out])
    return {"kind": kind, **calibration.shares(right, flagged), "per_document": per_document}
