"""The project's own set-up: environment.yml agrees with pyproject.toml; CI runs the README's command."""
import re
import tomllib

import yaml

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
