"""The report's "Method and validation" section (HTML and Word, zh and en): how each code is made,
how its confidence is calibrated and measured, how many decisions a person checked, the agreement of
person and machine on the blind sample (the last import's figures, :mod:`ipcompare.views.review`),
how many decisions were overridden and how many remain flagged: the paragraph a methods section needs."""
from __future__ import annotations

from functools import cache

import pandas as pd

from ..analysis import calibration, evaluate
from .frames import Tables
from .review import agreement

TEXT = {
    "en": {
        "validation": "Method and validation", "validation_intro": "{method}", "agreement": "Decisions and agreement",
        "kinds": {"coverage": "coverage verdicts", "themes": "themes", "instruments": "instrument types",
                  "instruments_subtype": "instrument sub-types"},
        "method": "Coverage verdicts follow a stated rule on the similarity of each national task to the plan's tasks "
                  "and on how many of its requirements the plan meets (ipcompare/analysis/coverage.py); themes and "
                  "policy instruments come from a seeded topic model refined by self-training on the corpus "
                  "(themes.py, instruments.py). Each automatic decision carries p_correct, the estimated probability "
                  "that it is right: a logistic calibration of the margins the method decided on, fitted on {n_labels} "
                  "hand labels bundled with ipcompare (ipcompare/analysis/calibration.py). A decision less likely "
                  "right than the aim ({aims}) is flagged for review, at most {budgets} of the labelled decisions. "
                  "Leave one document out on those labels: {loo}. In this corpus, {flagged}; {manual}. {validated}{learned}",
        "loo": "{kind} {flagged:.0%} flagged, accuracy of the rest {rest:.2f}",
        "learned": " The project's own validated decisions taught this run ({n} or more of a kind, "
                   "ipcompare.analysis.calibration.MIN_LEARN): {kinds} recalibrated on the bundled labels plus {own}.",
        "thresholds": " (coverage thresholds T_COVERED {t_covered:.4g}, T_PARTIAL {t_partial:.4g})",
        "flagged": "{n} of {total} {kind} are flagged",
        "manual": "{n} decisions were set by a person (overrides in data/annotations)",
        "none": "No decision has been validated by a person yet (python -m ipcompare review writes a workbook with "
                "a blind random sample; review --import reads it back).",
        "validated": "A person coded a blind random sample of {n} decisions without seeing the machine's answer "
                     "(stratified by document, python -m ipcompare review). Agreement of person and machine: {figures}.",
        "figure": "{kind} {accuracy:.2f} (95% CI {lo:.2f}-{hi:.2f}, n = {n}; Cohen's κ {kappa:.2f}, Krippendorff's α {alpha:.2f})",
        "columns": ["decisions", "count", "flagged for review", "set by a person", "coded blind", "agreement",
                    "95% CI", "Cohen's κ", "Krippendorff's α"],
    },
    "zh": {
        "validation": "方法与验证", "validation_intro": "{method}", "agreement": "判断与一致性",
        "kinds": {"coverage": "覆盖判断", "themes": "主题", "instruments": "政策工具类型", "instruments_subtype": "政策工具子类"},
        "method": "覆盖判断依据明确的规则：国家任务与规划任务的文本相似度，以及规划满足其要求的项数"
                  "（ipcompare/analysis/coverage.py）；主题与政策工具由种子词引导的主题模型在语料上自训练得出"
                  "（themes.py、instruments.py）。每项自动判断附有 p_correct，即判断正确的估计概率：以判断所依据的"
                  "差值，在 ipcompare 附带的 {n_labels} 条人工标注上做逻辑回归校准（ipcompare/analysis/calibration.py）。"
                  "正确概率低于目标（{aims}）的判断标记为待核查，至多占已标注判断的 {budgets}。在这些标注上逐文件留一检验："
                  "{loo}。本语料中，{flagged}；{manual}。{validated}{learned}",
        "loo": "{kind}标记 {flagged:.0%}，其余准确率 {rest:.2f}",
        "learned": "本次运行已据本项目的人工验证结果重新校准（某类达到 {n} 项即校准，ipcompare.analysis.calibration.MIN_LEARN）："
                   "{kinds}以附带标注加上本项目的 {own} 项重新校准。",
        "thresholds": "（覆盖阈值 T_COVERED {t_covered:.4g}、T_PARTIAL {t_partial:.4g}）",
        "flagged": "{total} 项{kind}中 {n} 项待核查",
        "manual": "{n} 项判断由人工确定（data/annotations 中的校订）",
        "none": "尚无任何判断经人工验证（python -m ipcompare review 生成含盲样随机抽样的核查表；review --import 读回）。",
        "validated": "由人工在看不到机器答案的情况下对 {n} 项随机盲样（按文件分层，python -m ipcompare review）重新编码。"
                     "人工与机器的一致性：{figures}。",
        "figure": "{kind} {accuracy:.2f}（95% 置信区间 {lo:.2f}-{hi:.2f}，n = {n}；Cohen's κ {kappa:.2f}，Krippendorff's α {alpha:.2f}）",
        "columns": ["判断", "数量", "待核查", "人工确定", "盲样编码", "一致率", "95% 置信区间", "Cohen's κ",
                    "Krippendorff's α"],
    },
}
_SEP = {"en": "; ", "zh": "；"}
_LIST = {"en": ", ", "zh": "、"}


@cache
def leave_one_out() -> dict[str, dict]:
    """The calibration's leave-one-document-out figures on the bundled labels, per kind."""
    return {kind: evaluate.calibration_leave_one_out(kind) for kind in calibration.KINDS}


def _counts(t: Tables) -> pd.DataFrame:
    """Per kind: automatic decisions, flagged, set by a person."""
    rows = {}
    for kind in calibration.KINDS:
        df = t[kind] if kind in t else pd.DataFrame(columns=["review", "source"])
        if kind == "themes":
            df = df[df["auto_theme"] != "non_task"]
        rows[kind] = {"decisions": len(df), "flagged": int(df["review"].astype(bool).sum()), "manual": int((df["source"] == "manual").sum())}
    return pd.DataFrame(rows).T


def _learned(t: Tables, lang: str) -> str:
    """The sentence saying which kinds the project's validated decisions recalibrated (empty if none)."""
    L = TEXT[lang]
    summary = t["calibration"] if "calibration" in t else pd.DataFrame(columns=["learned"])
    learned = summary[summary["learned"].astype(bool)]
    if learned.empty:
        return ""
    kinds = _LIST[lang].join(L["kinds"][r.kind] + (L["thresholds"].format(t_covered=r.t_covered, t_partial=r.t_partial)
                                                   if r.kind == "coverage" else "") for r in learned.itertuples())
    return L["learned"].format(n=calibration.MIN_LEARN, kinds=kinds, own=int(learned["project_labels"].sum()))


def validation_section(t: Tables, lang: str, divs: dict) -> dict:
    """The section's context: ``method`` (the paragraph) and ``agreement`` (a table per kind)."""
    L, sep = TEXT[lang], _SEP[lang]
    counts, loo = _counts(t), leave_one_out()
    answers = t["validation"] if "validation" in t else pd.DataFrame(columns=["kind", "person", "machine"])
    agree = agreement(answers)
    figures = sep.join(L["figure"].format(kind=L["kinds"][k], accuracy=a["accuracy"], lo=a["interval"][0],
                                          hi=a["interval"][1], n=a["n"], kappa=a["kappa"], alpha=a["alpha"])
                       for k, a in agree.items())
    method = L["method"].format(
        n_labels=sum(r["n"] for r in loo.values()),
        aims=_LIST[lang].join(f"{L['kinds'][k]} {calibration.TARGET[k]}" for k in calibration.KINDS),
        budgets=_LIST[lang].join(f"{L['kinds'][k]} {calibration.MAX_FLAGGED[k]:.0%}" for k in calibration.KINDS),
        loo=sep.join(L["loo"].format(kind=L["kinds"][k], flagged=r["flagged_share"], rest=r["unflagged_accuracy"])
                     for k, r in loo.items()),
        flagged=sep.join(L["flagged"].format(n=r["flagged"], total=r["decisions"], kind=L["kinds"][k]) for k, r in counts.iterrows()),
        manual=L["manual"].format(n=int(counts["manual"].sum())),
        validated=L["validated"].format(n=len(answers), figures=figures) if agree else L["none"],
        learned=_learned(t, lang))
    rows = []
    for kind in (*calibration.KINDS, "instruments_subtype"):
        c = counts.loc[kind] if kind in counts.index else None
        a = agree.get(kind)
        rows.append([L["kinds"][kind], *(["", "", ""] if c is None else [c["decisions"], c["flagged"], c["manual"]]),
                     *([a["n"], f"{a['accuracy']:.3f}", f"{a['interval'][0]:.3f}-{a['interval'][1]:.3f}",
                        f"{a['kappa']:.3f}", f"{a['alpha']:.3f}"] if a else [0, "", "", "", ""])])
    return {"method": method, "agreement": pd.DataFrame(rows, columns=L["columns"])}
