"""Where a project keeps its files: the folder layout shared by every stage."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Folder layout of a project (the repository by default)."""

    root: Path = Path(".")
    learn: bool = True  # the project's validated decisions recalibrate the confidence (analysis.calibration)

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def annotations(self) -> Path:
        return self.root / "data" / "annotations"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def cache(self) -> Path:
        return self.root / "data" / "cache"

    @property
    def codebook(self) -> Path:
        """The study's own codebook (themes.md, instruments.md, lexicons), when it has one."""
        return self.root / "data" / "codebook"
