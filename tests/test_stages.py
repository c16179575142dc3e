"""Stages declared once (ipcompare.stages): a stage sees only the tables it declares and writes exactly
those it declares; the run's plan lists the declarations."""
import dataclasses
import subprocess
import sys

import pytest
from conftest import REPO

import ipcompare
from ipcompare import pipeline
from ipcompare.cache import content_key
from ipcompare.analysis import diffusion
from ipcompare.stages import UndeclaredTable


def test_each_stage_reads_and_writes_only_what_it_declares(run_result):
    """Every stage run again on the tables of a run: no undeclared read, and the same tables it wrote."""
    project, result = run_result
    made = set(result.tables) - {s for stage in pipeline.stages() for s in stage.writes}
    for stage in pipeline.stages():
        assert set(stage.reads) <= made, stage.name  # what it reads was made before it
        options = {o: None if o == "reference" else False for o in stage.options}
        out = stage(result.tables, project, **options)
        assert set(out) == set(stage.writes)
        for name in stage.writes:
            assert content_key(out[name]) == content_key(result.tables[name]), (stage.name, name)
        made |= set(stage.writes)


def test_an_undeclared_read_fails_naming_the_stage_and_the_table(project, monkeypatch):
    monkeypatch.setattr(diffusion, "STAGE", dataclasses.replace(diffusion.STAGE, reads=("coverage",)))
    with pytest.raises(UndeclaredTable, match=r"stage diffusion reads table 'documents'"):
        ipcompare.run(project.root, progress=False)
    assert not project.processed.exists()  # nothing published


def test_a_stage_writing_other_tables_than_it_declares_fails(run_result):
    project, result = run_result
    stage = dataclasses.replace(diffusion.STAGE, writes=("adoption", "adoption_by_year"))
    with pytest.raises(RuntimeError, match="stage diffusion wrote"):
        stage(result.tables, project)


def test_the_plan_lists_every_declared_stage_and_chart():
    out = subprocess.run([sys.executable, "-m", "ipcompare", "run", "--plan"], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    for stage in pipeline.stages():
        assert f"{stage.name} ({stage.module}): {', '.join(stage.reads)} -> {', '.join(stage.writes)}" in out
    assert "task_map: documents, tasks, themes" in out
