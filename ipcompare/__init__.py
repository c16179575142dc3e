"""ipcompare: compare Chinese IP policy plans across provinces, task by task."""
from .corpus import Corpus, diff
from .errors import InputError
from .pipeline import Project, run

__all__ = ["Corpus", "diff", "InputError", "Project", "run"]
__version__ = "0.1.0"
