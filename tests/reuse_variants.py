"""Synthetic provincial tasks with known guideline wording planted in them (tests/test_policy_travel.py,
bench/bench_reuse.py): what the reuse stage must find, span by span.

Local text is the seed provincial plans' own sentences that share no string of :data:`LOCAL_FREE`
characters with the guideline (checked by brute force, independently of the aligner). Planted
spans are clauses of the guideline's tasks (split at 。；), inserted in a local sentence:

* ``verbatim``: as printed;
* ``synonyms``: words swapped for synonyms (ipcompare/data/synonyms.txt and ipcompare.demo's), at
  least two per clause;
* ``reordered``: the clause's comma-separated parts in another order (each part a planted span);
* ``none``: local sentences only;
* ``copied``: a whole task made of guideline clauses verbatim (with a short local lead-in).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from importlib import resources

import pandas as pd

from ipcompare import demo

LOCAL_FREE = 10  # a local sentence shares no string this long with the guideline
KINDS = ("verbatim", "synonyms", "reordered", "none", "copied")
DRAFTING = list(demo.SYNONYMS.items())  # the synonyms a drafter uses (demonstration successors too)


@dataclass
class Task:
    """A synthetic task: its content, kind and planted spans (start, end, source task) in it."""

    task_id: str
    kind: str
    content: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)


def _synonyms() -> list[tuple[str, str]]:
    text = (resources.files("ipcompare") / "data" / "synonyms.txt").read_text(encoding="utf-8")
    lines = [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return DRAFTING + [(a, b) for words in lines for a in words for b in words if a != b and len(a) >= 2]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；;])", text) if s.strip()]


def local_sentences(provincial: list[str], guideline: list[str]) -> list[str]:
    """Sentences of the provincial tasks sharing no :data:`LOCAL_FREE`-character string with the guideline."""
    joined = "\n".join(guideline)
    seen = {joined[i:i + LOCAL_FREE] for i in range(len(joined) - LOCAL_FREE + 1)}
    out = []
    for s in (s for t in provincial for s in _sentences(t)):
        if 12 <= len(s) <= 80 and not any(s[i:i + LOCAL_FREE] in seen for i in range(len(s) - LOCAL_FREE + 1)):
            out.append(s)
    return sorted(set(out))


def guideline_clauses(guideline: pd.DataFrame) -> list[tuple[str, str]]:
    """(source task, clause) of the guideline: its tasks' sentences of 16 to 60 characters."""
    return [(tid, s) for tid, text in zip(guideline["task_id"], guideline["content"])
            for s in _sentences(text) if 16 <= len(s) <= 60]


def _swap(clause: str, pairs: list[tuple[str, str]], rng: random.Random) -> str | None:
    """The clause with at least two words swapped for a synonym (None if it has fewer)."""
    found = [(a, b) for a, b in pairs if a in clause]
    rng.shuffle(found)
    out, n = clause, 0
    for a, b in found:
        if a in out and n < 3:
            out, n = out.replace(a, b, 1), n + 1
    return out if n >= 2 else None


def make(guideline: pd.DataFrame, provincial: list[str], n: int = 200, seed: int = 0) -> list[Task]:
    """``n`` tasks of each kind (fewer where the guideline has too few clauses to edit), fixed ``seed``."""
    rng, pairs = random.Random(seed), _synonyms()
    local = local_sentences(provincial, guideline["content"].tolist())
    clauses = guideline_clauses(guideline)
    tasks = []
    for kind in KINDS:
        for k in range(n):
            before, after = rng.choice(local), rng.choice(local)
            tid, spans = f"SYN-{kind}-{k}", []
            if kind == "none":
                tasks.append(Task(tid, kind, before + after))
                continue
            source, clause = rng.choice(clauses)
            if kind == "copied":
                parts = [clause] + [c for s, c in clauses if s == source and c != clause][:2]
                lead = before[:10]
                content, pos = lead, len(lead)
                for part in parts:
                    spans.append((pos, pos + len(part), source))
                    content, pos = content + part, pos + len(part)
                tasks.append(Task(tid, kind, content, spans))
                continue
            if kind == "synonyms":
                pieces = [_swap(clause, pairs, rng)]
            elif kind == "reordered":
                parts = [p for p in re.split(r"(?<=[,，])", clause.rstrip("。；;")) if len(p) >= 6]
                if len(parts) < 2:
                    continue
                pieces = parts[1:] + parts[:1]
                pieces[-1] = pieces[-1].rstrip(",，") + "。"
            else:
                pieces = [clause]
            if pieces[0] is None:
                continue
            content, pos = before, len(before)
            for piece in pieces:
                spans.append((pos, pos + len(piece), source))
                content, pos = content + piece, pos + len(piece)
            tasks.append(Task(tid, kind, content + after, spans))
    return tasks


def score(tasks: list[Task], spans: pd.DataFrame, classes: dict[str, str]) -> pd.DataFrame:
    """Per kind: planted spans, spans found, span-level precision and recall, and tasks by class.

    A planted span is recalled when found spans cover at least half of its characters; a found span
    is right when at least half of its characters lie in planted spans of its task."""
    by_task = {tid: g for tid, g in spans.groupby("task_id")}
    rows = []
    for kind in KINDS:
        mine = [t for t in tasks if t.kind == kind]
        planted = recalled = found = right = 0
        for t in mine:
            got = by_task.get(t.task_id)
            got = [] if got is None else list(zip(got["start"], got["end"]))
            inside = lambda a, b, ranges: sum(max(0, min(b, y) - max(a, x)) for x, y in ranges)  # noqa: E731
            planted += len(t.spans)
            recalled += sum(inside(a, b, got) >= (b - a) / 2 for a, b, _ in t.spans)
            found += len(got)
            right += sum(inside(a, b, [(x, y) for x, y, _ in t.spans]) >= (b - a) / 2 for a, b in got)
        counts = pd.Series([classes[t.task_id] for t in mine]).value_counts()
        rows.append({"kind": kind, "tasks": len(mine), "planted": planted, "found": found,
                     "precision": right / found if found else 1.0, "recall": recalled / planted if planted else 1.0,
                     **{c: int(counts.get(c, 0)) for c in ("copied", "adapted", "local")}})
    return pd.DataFrame(rows)
