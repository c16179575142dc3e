"""The project's validated decisions: the blind answers ``review --import`` keeps in
``data/annotations/validation.csv`` (one row per decision a person coded without seeing the machine's
answer: its kind, id, document, the person's and the machine's answer, the workbook and notes),
read and checked for the ``validation`` table."""
from __future__ import annotations

import pandas as pd

from .. import tables
from ..errors import InputError
from ..project import Project

VALIDATION = "validation.csv"
COLUMNS = list(tables.SCHEMAS["validation"].columns)
KINDS = ("coverage", "themes", "instruments")


def read(project: Project) -> pd.DataFrame:
    """``validation.csv`` of the project's annotations (empty when there is none); a row of an unknown
    kind or without answers raises InputError."""
    path = project.annotations / VALIDATION
    if not path.exists():
        return tables.empty("validation")
    df = tables.read_user_csv(path, COLUMNS)
    for line, row in zip(df.index + 2, df.itertuples()):
        if row.kind not in KINDS or not row.person or not row.machine:
            raise InputError(f"{path}: line {line}: kind must be one of {', '.join(KINDS)}, with both answers")
    return df if len(df) else tables.empty("validation")


def stage(project: Project) -> dict[str, pd.DataFrame]:
    """The validation table (see :mod:`ipcompare.tables`)."""
    return {"validation": read(project)}
