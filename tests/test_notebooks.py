"""The notebooks: stored without outputs, each says its question first, and each runs headless without a warning."""
import nbformat
import papermill
import pytest
from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_notebooks_are_stored_clean():
    assert [nb.stem for nb in NOTEBOOKS] == ["01_corpus_overview", "02_themes", "03_coverage_gaps",
                                             "04_province_profile", "05_new_annual_plan", "06_explore",
                                             "07_policy_instruments", "08_validation",
                                             "09_policy_travel"]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert nb.cells[0].cell_type == "markdown" and "**Question:" in nb.cells[0].source, path.name
        assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1, path.name
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), f"{path.name} has outputs"
        assert "import ipcompare" in "".join(c.source for c in code), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, run_result, tmp_path):
    project, _ = run_result
    params = {"root": str(REPO)} if path.stem.startswith("05") else {"processed": str(project.processed)}
    if path.stem.startswith("04"):
        params |= {"province": "湖北", "lang": "en"}
    nb = papermill.execute_notebook(path, tmp_path / path.name, parameters=params, kernel_name="python3",
                                    cwd=path.parent, progress_bar=False)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]  # no warning
    assert any("image/png" in o.get("data", {}) for o in outputs)  # charts were drawn
