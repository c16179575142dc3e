"""One row of the tasks table from an item's text: title, content, units, deadlines, targets."""
from __future__ import annotations

import re

from ..tables import PATH_SEP, join_list
from . import fields


def first_sentence(text: str) -> str:
    """Title of an item: its heading line if that is a bare heading, else its first sentence."""
    head = text.split("\n", 1)[0]
    if not re.search(r"[。;!?]", head) and len(head) <= 40 and "\n" in text:
        return head.strip()
    return re.split(r"(?<=[。;!?])", fields.strip_annotations(head), maxsplit=1)[0].rstrip("。;").strip()


def task_record(doc_id: str, number: str, text: str, *, kind: str, section_path: list[str],
                section_titles: list[str], title: str | None = None, **extra: str) -> dict:
    """One row of the tasks table from an item's text (fields parsed from the text); its parsed
    targets ride along under ``_targets`` until :func:`extract` moves them to ``task_targets``."""
    found = fields.annotations(text)
    content = fields.strip_annotations(text, found)
    targets = fields.targets(content)
    return {
        "number": number,
        "kind": kind,
        "kind_reason": extra.get("kind_reason", ""),
        "section_path": PATH_SEP.join(section_path),
        "section_titles": PATH_SEP.join(section_titles),
        "title": title or first_sentence(text),
        "text": text,
        "content": content,
        "lead_units": join_list(u for a in found for u in a.lead),
        "responsible_units": join_list(u for a in found for u in a.responsible),
        "deadlines": join_list(fields.deadlines(text, found)),
        "targets": join_list(t.text for t in targets),
        "national_measures": extra.get("national_measures", ""),
        "regional_measures": extra.get("regional_measures", _regional(found, text)),
        "duty_province": extra.get("duty_province", ""),
        "duty_local": extra.get("duty_local", ""),
        "_targets": targets,
    }


_LOCAL_OFFICES = re.compile(r"各地方|各地区|各地|地方知识产权局|各省")


def _regional(found: list[fields.Annotation], text: str) -> str:
    """Sentences of a national measure assigned to local offices: (…各地方知识产权局负责)."""
    parts, start = [], 0
    for ann in found:
        if any(_LOCAL_OFFICES.search(u) for u in ann.responsible + ann.lead):
            parts.append(text[start:ann.span[0]].strip())
        start = ann.span[1]
    return "\n".join(p for p in parts if p)
