"""The project's own set-up: environment.yml agrees with pyproject.toml; CI runs the README's command; quality margins."""
import re
import tomllib

import pandas as pd
import yaml

import quality
from conftest import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_pyproject_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + [d for deps in project["optional-dependencies"].values() for d in deps]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python=", "pip"))]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    listed = conda + [d for d in pip if not d.startswith("-e")]
    assert {_name(d): d for d in listed} == {_name(d): d for d in declared}


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text()
    makefile = (REPO / "Makefile").read_text()
    assert "-m pytest" in makefile and "-m ipcompare run" in makefile


def test_margins_follow_the_rule():
    table = pd.read_csv(quality.QUALITY)
    per_item = table["metric"].isin(["accuracy", "addressed_f1", "evidence_top3", "false_gaps", "flagged_share",
                                      "unflagged_accuracy"])
    assert (table.loc[per_item, "margin"] - quality.ITEM_MARGIN / table.loc[per_item, "items"]).abs().max() < 1e-3
    assert (table.loc[~per_item, "margin"] == 0.05).all()
