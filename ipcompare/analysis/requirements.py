"""Requirements: what a national task asks of regions, split into clauses of one action each.

A unit's ask (its 各地区 / 有关省份 / 有关地市 ... parts, :func:`labelled_parts`) is cut into
sentences (。;) and the sentences at commas; a lead-in (结合实际, 按照统一部署, 6月底前: a short
piece, one opening with a manner word or one ending with a time) joins the piece after it, a
purpose (助力..., 为...) the piece before it (:func:`split`). Each requirement keeps the part's label
as its duty scope.

Its **key terms** are its heaviest words in the guideline's TF-IDF weights (the coverage stage's
vectorizer); a key term is *found* in a text when it, or a synonym of ``data/synonyms.txt``,
appears in it (:func:`found`); a requirement's word counts as in a task that has a synonym of it
(:func:`synonym_presence`). A requirement *asks for the plan itself* when it asks to draw up the
annual plan (制定印发本地区年度工作计划, :data:`ASKS_PLAN`): a provincial annual plan or work
points (a year and 计划 / 要点 in its title, :func:`is_annual_plan`) is that plan.
"""
from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
from scipy import sparse

from .segment import _lines, normalize

N_KEY_TERMS = 3
MIN_CHARS = 6  # a shorter piece (结合实际, 年底前) is a lead-in, not a requirement of its own
LABEL = re.compile(r"(国家知识产权局|各地区|有关省份|有关地市|有关地方|各地方|各地)[::]")
_LEAD = re.compile(r"^(?:结合|按照|对照|根据|依托|围绕|面向|聚焦|立足|会同|联合|通过|在此基础上)|(?:前|后|以来|期间|基础上)$")
_PURPOSE = re.compile(r"^(?:助力|助推|为|更好|从而|以便)")
ASKS_PLAN = re.compile(r"(?:制定|印发|出台|编制)[^,,。;;]*年度?[^,,。;;]*(?:计划|要点)")
_ANNUAL_PLAN = re.compile(r"\d{4}.*年.*(?:计划|要点)")
REQUIREMENT_COLUMNS = ["nat_task", "req_id", "scope", "text", "key_terms", "asks_plan"]


def labelled_parts(asked: str) -> list[tuple[str, str]]:
    """(label, text) of each labelled part (各地区:..., 有关省份:...); ("", asked) when unlabelled."""
    pieces = LABEL.split(asked)
    parts = [(label, text.strip()) for label, text in zip(pieces[1::2], pieces[2::2]) if text.strip()]
    if pieces[0].strip():
        parts.insert(0, ("", pieces[0].strip()))
    return parts or [("", asked.strip())]


def split(part: str) -> list[str]:
    """The requirements of one labelled part, in order (see the module docstring)."""
    out = []
    for sentence in re.split(r"[。;;\n]", part):
        pieces, lead = [p.strip() for p in re.split(r"[,,]", sentence) if p.strip()], ""
        for i, piece in enumerate(pieces):
            if i < len(pieces) - 1 and (len(piece) < MIN_CHARS or _LEAD.search(piece)):
                lead += piece + ","
            elif out and not lead and i and _PURPOSE.match(piece):
                out[-1] += "," + piece
            else:
                out.append(lead + piece)
                lead = ""
    return out


def table(units: pd.DataFrame) -> pd.DataFrame:
    """One row per requirement of each unit (``asked``: what the unit asks of regions, labels kept):
    nat_task, req_id (<nat_task>.<n>), scope (the part's label, empty when unlabelled), text, asks_plan.
    Key terms are added by the coverage stage (they depend on its vectorizer)."""
    rows = [(unit.task_id, label, text)
            for unit in units.itertuples() for label, part in labelled_parts(unit.asked) for text in split(part)]
    df = pd.DataFrame(rows, columns=["nat_task", "scope", "text"])
    df.insert(1, "req_id", df["nat_task"] + "." + (df.groupby("nat_task", sort=False).cumcount() + 1).astype(str))
    return df.assign(key_terms="", asks_plan=df["text"].map(lambda t: bool(ASKS_PLAN.search(t))))[REQUIREMENT_COLUMNS]


def key_terms(weights: np.ndarray, names: np.ndarray, n: int = N_KEY_TERMS) -> list[list[str]]:
    """The ``n`` heaviest terms of each row of ``weights`` (ties by name), zero weights left out."""
    return [[names[j] for j in np.lexsort((names, -row))[:n] if row[j] > 0] for row in weights]


@cache
def synonyms() -> dict[str, frozenset[str]]:
    """Word -> every word sharing a line of ``data/synonyms.txt`` with it (itself included)."""
    out: dict[str, set[str]] = {}
    for line in _lines("synonyms.txt"):
        words = set(line.split())
        for w in words:
            out.setdefault(w, set()).update(words)
    return {w: frozenset(s) for w, s in out.items()}


def found(term: str, text: str) -> bool:
    """``term`` or one of its synonyms is in ``text`` (already normalised)."""
    return any(w in text for w in synonyms().get(term, (term,)))


def synonym_presence(token_lists: list[list[str]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """rows x ``vocabulary`` (word -> column): 1 where the row's tokens hold a synonym of the word."""
    table, rows, cols = synonyms(), [], []
    columns = {w: [vocabulary[s] for s in sorted(table[w]) if s in vocabulary] for w in table}
    for i, tokens in enumerate(token_lists):
        marked = {c for t in set(tokens) & columns.keys() for c in columns[t]}
        rows += [i] * len(marked)
        cols += sorted(marked)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(token_lists), len(vocabulary)))


def is_annual_plan(title: str) -> bool:
    """The document is an annual plan or work points: a year and 计划 / 要点 in its title."""
    return bool(_ANNUAL_PLAN.search(normalize(title)))
