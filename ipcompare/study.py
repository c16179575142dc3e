"""``ipcompare init DIR``: a study folder of one's own, outside this repository.

It holds ``data/raw/`` with the national guideline shipped in the package
(``ipcompare/data/nat2024_cnipa_annual_guideline.txt``, a copy of the repository's) and its manifest row,
``data/annotations/`` with the override files' headers, ``notebooks/`` (copies of the repository's:
they read ``../data/processed``, this folder's) and a README of the commands. A folder that is not
empty is refused unless ``force``, which adds only what is missing and changes nothing there.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import InputError
from .project import Project

GUIDELINE = "nat2024_cnipa_annual_guideline.txt"
MANIFEST = ("doc_id,file,level,province,first_year,last_year,title,issuer,issue_date,doc_number,source\n"
            f"NAT2024,{GUIDELINE},national,,,,,,,,国家知识产权局 (CNIPA) notice with its attached task list; "
            "text copied from the PDF\n")
ANNOTATIONS = {"theme_overrides.csv": "task_id,theme,note\n", "coverage_overrides.csv": "nat_task,doc_id,verdict,note\n",
               "instrument_overrides.csv": "task_id,subtype,note\n"}
README = """# {name}: an ipcompare study

Plans go in `data/raw/` (listed in `data/raw/manifest.csv`, which starts with the national guideline),
your corrections in `data/annotations/`. In this folder (or from anywhere with `--root {name}`):

```bash
python -m ipcompare add ~/Downloads/plans/ https://…/notice.html   # files, folders, lists, web pages
python -m ipcompare run                                             # tables, charts and report
jupyter lab notebooks/                                              # after a run
```

`run` writes the tables to `data/processed/`, the charts, `index.html` and the tables as one Excel
workbook (`tables.xlsx`) to `reports/`. Themes and policy instruments of the study's own (one more theme,
another instrument scheme): copy ipcompare's `themes.md`, `instruments.md` or lexicons into
`data/codebook/` and edit them (see the ipcompare README, "A study's own codebook").
"""


def notebooks() -> Path | None:
    """The notebooks of the ipcompare checkout this package runs from (None: not installed with them)."""
    folder = Path(str(resources.files("ipcompare"))).parent / "notebooks"
    return folder if folder.is_dir() else None


def init(folder: Path | str, force: bool = False) -> list[Path]:
    """Make a study folder at ``folder``; the files written."""
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root}: exists and is not a folder")
    if root.exists() and any(root.iterdir()) and not force:
        raise InputError(f"{root}: the folder is not empty; give --force to add only what is missing")
    project = Project(root)
    files: dict[Path, bytes] = {
        project.raw / GUIDELINE: (resources.files("ipcompare") / "data" / GUIDELINE).read_bytes(),
        project.raw / "manifest.csv": MANIFEST.encode("utf-8"),
        root / "README.md": README.format(name=root.resolve().name).encode("utf-8"),
    } | {project.annotations / name: header.encode("utf-8") for name, header in ANNOTATIONS.items()}
    if source := notebooks():
        files |= {root / "notebooks" / nb.name: nb.read_bytes() for nb in sorted(source.glob("*.ipynb"))}
    written = []
    for path, data in files.items():
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    return written
