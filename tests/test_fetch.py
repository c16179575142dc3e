"""``ipcompare add https://…``: government pages and the plans they attach, served by a local HTTP
server on 127.0.0.1 from fixtures made here from the seeds (no request leaves the machine: any other
connection fails the test)."""
from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

import renderers
import variants as V
from conftest import REPO, copy_project
from ipcompare import cli
from ipcompare.add import add, add_many
from ipcompare.extraction.document import read_document
from ipcompare.extraction.outline import extract
from ipcompare.reading import clean, fetch, readers
from ipcompare.reading.manifest import read_manifest

COLUMNS = ["number", "kind", "title", "content", "lead_units", "responsible_units", "deadlines", "targets"]
# A cover notice as provincial government sites publish one: the notice's text, its 文号 and date, and
# the plan attached (a relative and an absolute link). The date is made up for the fixture.
NOTICE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>山西省人民政府关于印发知识产权强省建设2022-2023年工作要点的通知</title>
<script>var _hmt = _hmt || [];</script></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a> &gt; 省政府文件</div>
<div class="article"><h1>山西省人民政府关于印发知识产权强省建设2022-2023年工作要点的通知</h1>
<p>晋政发〔2022〕20号</p>
<p>各市人民政府,省人民政府各委、厅,各直属机构:</p>
<p>现将《知识产权强省建设2022-2023年工作要点》印发给你们,请认真贯彻落实。</p>
<p>山西省人民政府</p><p>2022年7月15日</p>
<p>附件:<a href="../files/sx_points.pdf">1.知识产权强省建设2022-2023年工作要点</a></p>
<p><a href="{base}/files/sx_tasks.docx">2.知识产权强省建设2022-2023年工作要点任务分工.docx</a></p>
{more}</div><div class="footer">主办:山西省人民政府办公厅 晋ICP备05000000号</div></body></html>"""
SCRIPTED = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>工作要点</title></head>
<body><div id="app"></div><script src="/static/app.js"></script><script>window.__DATA__ = {"id": 25};</script></body></html>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The local server and its pages: (base address, the requests it answered)."""
    folder = tmp_path_factory.mktemp("site")
    raw = REPO / "data" / "raw"
    texts = {doc: clean.clean_text(readers.read(raw / name).text) for doc, name in V.SEEDS.items()}
    sx = (raw / V.SEEDS["SX2022"]).read_text("utf-8")
    renderers.to_pdf(sx, folder / "sx_points.pdf", renderers.cjk_font(folder))
    renderers.to_docx(V.division_list(extract("SX2022", texts["SX2022"]).tasks), folder / "sx_tasks.docx")
    gbk = renderers.to_html(V.marker_styles(texts["GZ2025"])).replace('charset="utf-8"', 'charset="gbk"').replace(
        "\u2022", "\u00b7").encode("gbk")  # a GBK site's middle dot for the bullet, which GBK lacks
    html = "text/html; charset=utf-8"
    routes = {
        "/news/hb.html": (200, html, renderers.to_html(V.marker_styles(texts["HB2025"])).encode("utf-8")),
        "/news/gz.html": (200, "text/html; charset=GBK", gbk),
        "/zfxxgk/notice.html": (200, html, None),  # filled below: it names the server's address
        "/zfxxgk/notice_xls.html": (200, html, None),
        "/files/sx_points.pdf": (200, "application/pdf", (folder / "sx_points.pdf").read_bytes()),
        "/files/sx_tasks.docx": (200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                 (folder / "sx_tasks.docx").read_bytes()),
        "/files/tasks.xls": (200, "application/vnd.ms-excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        "/app/plan.html": (200, html, SCRIPTED.encode("utf-8")),
        "/api/plan": (200, "application/json", b'{"title": "2025"}'),
        "/old/hb.html": (302, "/news/hb.html", b""),
        "/loop": (302, "/loop", b""),
        "/secret.html": (403, html, b"<html><body>403 Forbidden</body></html>"),
    }
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append((time.monotonic(), self.path, self.headers.get("User-Agent")))
            status, kind, body = routes.get(self.path, (404, "text/html", b"<html><body>404</body></html>"))
            self.send_response(status)
            self.send_header("Location" if status == 302 else "Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_port}"
    routes["/zfxxgk/notice.html"] = (200, html, NOTICE.format(base=base, more="").encode("utf-8"))
    routes["/zfxxgk/notice_xls.html"] = (200, html, NOTICE.format(base=base, more=(
        '<p><a href="/files/tasks.xls">3.重点任务清单.xls</a></p>')).encode("utf-8"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, requests, gbk
    server.shutdown()


@pytest.fixture(autouse=True)
def local_only(monkeypatch):
    """Connections to 127.0.0.1 only, no proxy, a short pause."""
    connect = socket.create_connection

    def create_connection(address, *args, **kwargs):
        assert address[0] == "127.0.0.1", f"a request left the machine: {address}"
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(fetch, "PAUSE", 0.2)


def test_article_pages_utf8_and_gbk_and_a_redirect(tmp_path, site):
    base, _, _ = site
    project = copy_project(tmp_path / "project")
    batch = add_many(project.root, [f"{base}/old/hb.html", f"{base}/news/gz.html"])
    assert [(a.doc_id, a.n_tasks, a.file.name) for a in batch.added] == [("HB2025_2", 28, "hb.html"),
                                                                         ("GZ2025_2", 34, "gz.html")]
    manifest = read_manifest(project.raw).set_index("doc_id")
    assert manifest.loc["HB2025_2", "source"] == f"{base}/news/hb.html"  # where the redirect led
    assert manifest.loc["GZ2025_2", "source"] == f"{base}/news/gz.html"
    assert (project.raw / "gz.html").read_bytes() == site[2]  # the original bytes, kept
    doc = read_document(read_manifest(project.raw).iloc[-1], project.raw)
    assert doc["document"]["title"] == "贵州省知识产权强省建设2025年推进计划暨地方工作要点"


def test_a_cover_notice_gives_its_attachments_with_the_notice_metadata(tmp_path, site):
    base, _, _ = site
    project = copy_project(tmp_path / "project")
    manifest = read_manifest(project.raw)
    manifest[manifest.doc_id != "SX2022"].to_csv(project.raw / "manifest.csv", index=False)
    batch = add_many(project.root, [f"{base}/zfxxgk/notice.html"])
    assert [(a.doc_id, a.n_tasks, a.file.name) for a in batch.added] == [("SX2022", 18, "sx_points.pdf"),
                                                                         ("SX2022_2", 18, "sx_tasks.docx")]
    assert [(r.kind, r.reason) for r in batch.refused] == [
        ("notice", f"{base}/zfxxgk/notice.html: a cover notice: its plan is read from its attachments")]
    rows = read_manifest(project.raw).set_index("doc_id")
    assert rows.loc["SX2022", "source"] == f"{base}/files/sx_points.pdf (attached to {base}/zfxxgk/notice.html)"
    for doc_id in ("SX2022", "SX2022_2"):
        meta = read_document(rows.reset_index()[rows.index == doc_id].iloc[0], project.raw)["document"]
        assert (meta["doc_number"], meta["issue_date"], meta["issuer"], meta["province"], meta["first_year"],
                meta["last_year"]) == ("晋政发〔2022〕20号", "2022-07-15", "山西省人民政府", "山西", "2022", "2023")

    # the attached DOCX gives the same tasks as the DOCX added from the disk
    alone = copy_project(tmp_path / "alone")
    docx = tmp_path / "sx_tasks.docx"
    docx.write_bytes((project.raw / "sx_tasks.docx").read_bytes())
    added = add(alone.root, docx, province="山西", years="2022-2023")
    tasks = [pd.DataFrame(read_document(read_manifest(p.raw).set_index("doc_id").reset_index().query(
        "doc_id == @d").iloc[0], p.raw)["tasks"])[COLUMNS] for p, d in ((project, "SX2022_2"), (alone, added.doc_id))]
    pd.testing.assert_frame_equal(tasks[0], tasks[1])


@pytest.mark.parametrize("path, reason", [
    ("/nowhere.html", "HTTP 404 not found"),
    ("/secret.html", "HTTP 403 forbidden: the site refuses the download (open it in a browser and save it)"),
    ("/app/plan.html", "the page's text is built by scripts in the browser, not in its HTML; open it in a browser, "
                       "save it (or print it to PDF) and add that file"),
    ("/api/plan", "the answer is application/json, neither a web page nor a document it reads"),
    ("/loop", f"more than {fetch.MAX_REDIRECTS} redirects"),
])
def test_pages_that_cannot_be_added_say_why_in_one_line(tmp_path, site, path, reason, capsys):
    base, _, _ = site
    project = copy_project(tmp_path / "project")
    before = (project.raw / "manifest.csv").read_bytes()
    assert cli.main(["--root", str(project.root), "add", base + path, "--quiet"]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"refused   {base}{path}: {reason}") and len(out) == 2
    assert (project.raw / "manifest.csv").read_bytes() == before


def test_an_attachment_it_cannot_read_is_refused_by_name(tmp_path, site):
    base, _, _ = site
    project = copy_project(tmp_path / "project")
    batch = add_many(project.root, [f"{base}/zfxxgk/notice_xls.html"], dry_run=True)
    assert [r.reason.rsplit("/", 1)[-1] for r in batch.refused if r.kind == "refused"] == [
        f"tasks.xls: unsupported file type .xls; supported: {', '.join(readers.SUPPORTED)}"]
    assert [a.file.name for a in batch.added] == ["sx_tasks.docx"]  # the others all the same (the PDF is SX2022's text)
    assert [r.kind for r in batch.refused] == ["notice", "duplicate", "refused"]


def test_requests_are_polite(tmp_path, site):
    base, requests, _ = site
    start = len(requests)
    add_many(copy_project(tmp_path / "project").root, [f"{base}/zfxxgk/notice.html"], dry_run=True)
    mine = requests[start:]
    assert [p for _, p, _ in mine] == ["/zfxxgk/notice.html", "/files/sx_points.pdf", "/files/sx_tasks.docx"]
    assert {ua for _, _, ua in mine} == {fetch.USER_AGENT} and "ipcompare" in fetch.USER_AGENT
    assert all(b - a >= fetch.PAUSE for (a, _, _), (b, _, _) in zip(mine, mine[1:]))
