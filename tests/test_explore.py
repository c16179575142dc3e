"""Words in context, search and the keyword network on the seed corpus (ipcompare.analysis.search)."""
import math
import re
import subprocess
import sys

import pytest
from conftest import REPO

from ipcompare import cli, tables
from ipcompare.analysis import search
from ipcompare.analysis.segment import tokenize
from ipcompare.views.corpus import Corpus


@pytest.fixture(scope="module")
def corpus(run_result):
    project, _ = run_result
    return Corpus.load(project.processed)


def plain_count(word: str) -> int:
    """Occurrences in the raw seed files, white space removed (PDF copies break words with spaces)."""
    return sum(re.sub(r"\s+", "", p.read_text("utf-8")).count(word) for p in (REPO / "data" / "raw").glob("*.txt"))


def test_kwic_finds_every_occurrence_in_its_task(corpus):
    lines = corpus.kwic("数据知识产权")
    assert len(lines) == plain_count("数据知识产权") == 24
    assert set(lines["match"]) == {"数据知识产权"} and list(lines.columns[:6]) == [
        "doc_id", "province", "task_id", "left", "match", "right"]
    tasks = corpus.tasks.set_index("task_id")
    inside = lines[lines["task_id"] != ""]
    assert len(inside) >= 22 and all(m in tasks.loc[t, "text"] for t, m in zip(inside["task_id"], inside["match"]))
    assert lines[lines.doc_id == "HB2025"]["task_id"].tolist() == ["HB2025-3"] * 3
    assert lines["left"].str.len().max() == 20


def test_kwic_folds_traditional_characters_punctuation_and_takes_regexes(corpus):
    assert corpus.kwic("數據知識產權").equals(corpus.kwic("数据知识产权"))
    assert len(corpus.kwic("“走出去”")) == len(corpus.kwic('"走出去"')) == len(corpus.kwic("「走出去」")) > 0
    assert len(corpus.kwic("数据知识产权(?:登记|试点)", regex=True)) == sum(
        len(re.findall("数据知识产权(?:登记|试点)", t)) for t in corpus.texts["text"])
    assert set(corpus.kwic("数据知识产权", province="湖北")["doc_id"]) == {"HB2025"}
    assert len(corpus.kwic("【走出去】", regex=True)) == 0 < len(corpus.kwic("[“]走出去[”]", regex=True))


def test_kwic_command_prints_aligned_lines_and_writes_csv(run_result, capsys, tmp_path):
    project, _ = run_result
    out = tmp_path / "kwic.csv"
    assert cli.main(["--root", str(project.root), "kwic", "数据知识产权", "--province", "湖北", "--csv", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1] == "3 occurrences of 数据知识产权 in 湖北"
    starts = {search._width(line[: line.index("【")]) for line in printed[:-1]}
    assert len(printed) == 4 and len(starts) == 1  # the matches one above the other
    assert len(tables.read_user_csv(out, search.KWIC_COLUMNS)) == 3


def test_kwic_piped_into_head_stops_quietly(run_result):
    """A reader that stops early (``| head -1``) ends the command without a traceback."""
    project, _ = run_result
    proc = subprocess.Popen([sys.executable, "-m", "ipcompare", "--root", str(project.root), "kwic", "的"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # as head does after its first line
    assert proc.wait(timeout=120) == 0 and proc.stderr.read() == b""


def test_commands_without_a_run_stop_with_one_line(tmp_path, capsys):
    assert cli.main(["--root", str(tmp_path), "kwic", "专利"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_a_bad_regex_stops_with_one_line(run_result, capsys):
    project, _ = run_result
    assert cli.main(["--root", str(project.root), "kwic", "数据(", "--regex"]) == 2
    assert capsys.readouterr().err.startswith("error: 数据(: not a regular expression")


def test_search_ranks_tasks_holding_the_query(corpus):
    found = corpus.search("质押融资 保险", top=5)
    assert len(found) == 5 and found["score"].is_monotonic_decreasing
    assert found.iloc[0]["matched"] == "质押融资; 保险"  # the task holding both words ranks first
    assert all("【" in text for text in found["text"])
    assert all(w in task for w, task in zip(found["matched"].str.split("; ").str[0],
                                          corpus.tasks.set_index("task_id").loc[found["task_id"], "content"]))
    assert corpus.search("火星探测").empty


def test_cooccurrence_counts_tasks_together(corpus):
    net = corpus.cooccurrence(top=30)
    tasks = corpus.tasks[corpus.tasks["kind"] == "task"]
    sets = [set(t) for t in tokenize(tasks["content"].tolist())]
    assert len(net.nodes) == 30 and net.nodes["frequency"].is_monotonic_decreasing
    edge = net.edges.iloc[0]
    both = sum(edge.source in s and edge.target in s for s in sets)
    assert edge.weight == both >= 2 and edge.source < edge.target
    n_a, n_b = (sum(w in s for s in sets) for w in (edge.source, edge.target))
    assert edge.pmi == pytest.approx(math.log(both * len(sets) / (n_a * n_b)), abs=1e-4) and edge.pmi > 0
    assert (net.edges["weight"] >= 2).all() and (net.edges["pmi"] > 0).all()
    assert set(net.graph.nodes) == set(net.nodes["word"]) and net.nodes["community"].min() == 1
    hubei = corpus.cooccurrence("湖北", top=20)
    assert len(hubei.nodes) == 20 and hubei.nodes["frequency"].max() <= 28


def test_gephi_files(run_result):
    project, _ = run_result
    nodes = tables.read_table("nodes", project.processed)
    edges = tables.read_table("edges", project.processed)
    assert list(nodes.columns[:2]) == ["Id", "Label"] and list(edges.columns[:4]) == ["Source", "Target", "Type", "Weight"]
    assert len(nodes) == 60 and set(edges["Source"]) | set(edges["Target"]) <= set(nodes["Id"])


def test_corpus_targets_by_indicator(corpus):
    pledge = corpus.targets("pledge_financing")
    assert pledge[["doc_id", "province", "value"]].values.tolist() == [["HB2025", "湖北", 32000000000]]
    assert len(corpus.targets()) == len(corpus["targets"])
