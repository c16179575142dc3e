"""ipcompare: compare Chinese IP policy plans across provinces, task by task.

``ipcompare.run(root)`` runs the pipeline; ``ipcompare.Corpus.load(path)`` opens its tables with
their charts; ``ipcompare.diff(before, after)`` says what changed. Attributes load on first use, so
``python -m ipcompare --help`` does not import scikit-learn or matplotlib.
"""
from importlib import import_module

from .errors import InputError

_LAZY = {"Corpus": "views.corpus", "diff": "views.corpus", "Project": "project", "run": "pipeline"}
__all__ = ["Corpus", "diff", "InputError", "Project", "run"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
