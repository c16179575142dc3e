"""The measured quality figures (tests/quality.csv): one table that the tests, the README and the notes quote.

Each row is a score measured on a label file, with the number of labelled items it rests on and a
margin. For a rate over items (accuracy, F1 over pairs, evidence found) the margin is 1.5 items: one
more item wrong still passes, two fail, so a real regression fails and a one-label change does not.
Scores without an item unit (macro-F1, NMI) have a fixed margin of 0.05. A score that rises above
``measured + margin`` fails too: the table is then out of date and must be updated with the new figure.
"""
from pathlib import Path

import pandas as pd

QUALITY = Path(__file__).with_name("quality.csv")
ITEM_MARGIN = 1.5


def rows(check: str) -> pd.DataFrame:
    table = pd.read_csv(QUALITY)
    found = table[table["check"] == check]
    assert len(found), f"{QUALITY}: no row for {check}"
    return found


def assert_measured(scores: dict, check: str) -> None:
    """Every metric of ``check`` within its margin of the measured value (above the floor, not stale)."""
    for row in rows(check).itertuples():
        low, high = row.measured - row.margin, row.measured + row.margin
        assert low <= scores[row.metric] <= high + 1e-9, (
            f"{check} {row.metric} = {scores[row.metric]:.4f}, measured {row.measured:.4f} ± {row.margin:.4f} "
            f"({QUALITY.name}): {'a regression' if scores[row.metric] < low else 'update the table'}")

