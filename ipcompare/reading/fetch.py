"""Download a government page by its address, with the plan it attaches (``ipcompare add https://…``).

A page is read as :func:`readers.read` reads a saved one. When it is a cover notice whose plan is
attached (附件: links to .pdf, .doc, .docx, .wps, .ofd ...), the attachments are downloaded instead and
the plan is read from them; the notice's 文号, date, issuer, title, place and years are kept for
their metadata (:attr:`Download.notice`). Politeness and bounds: one request at a time with
:data:`PAUSE` seconds between requests, a :data:`TIMEOUT`, at most :data:`MAX_REDIRECTS` redirects,
answers over :data:`.limits.MAX_FILE_MB` refused, a User-Agent naming the project. Every failure is an
:class:`InputError` naming the address.
"""
from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

from ..errors import InputError
from . import clean, limits, metadata, readers

TIMEOUT = 30  # seconds for each request
MAX_REDIRECTS = 5
PAUSE = 1.0  # seconds between two requests to the sites
USER_AGENT = "ipcompare/0.1 (research tool comparing Chinese IP policy plans; one request at a time)"
# Links followed as attachments: documents by their extension (readable or not: an unreadable one is refused by name).
ATTACHMENT = re.compile(r"\.(pdf|docx?|wps|ofd|txt|xlsx?|et|zip|rar|7z)$", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_last_request = 0.0


@dataclass
class Download:
    """A file downloaded into a folder: where it is, its address, and for an attachment the page
    that attached it and what that notice states (doc_number, issue_date, issuer, title, place, years)."""

    path: Path
    url: str
    page: str = ""
    notice: dict[str, str] = field(default_factory=dict)
    attaching: bool = False  # a page with attachments: a cover notice unless it holds tasks itself

    @property
    def source(self) -> str:
        """The manifest's ``source``: the address (and the page attaching it)."""
        return f"{self.url} (attached to {self.page})" if self.page else self.url


def is_address(text: str) -> bool:
    return bool(re.match(r"https?://", str(text), re.I))


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS


def get(url: str) -> tuple[bytes, str, Message]:
    """The body, final address and headers of ``url`` (one request, after the pause)."""
    global _last_request
    if not is_address(url):
        raise InputError(f"{url}: not a web address (http:// or https://)")
    time.sleep(max(0.0, _last_request + PAUSE - time.monotonic()))
    opener = urllib.request.build_opener(_Redirects)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with opener.open(request, timeout=TIMEOUT) as answer:
            data = answer.read(limits.MAX_FILE_MB * 2**20 + 1)
            final, headers = answer.geturl(), answer.headers
    except urllib.error.HTTPError as err:
        if err.code in (301, 302, 303, 307, 308):
            raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects") from None
        what = {403: "forbidden: the site refuses the download (open it in a browser and save it)",
                404: "not found"}.get(err.code, err.reason)
        raise InputError(f"{url}: HTTP {err.code} {what}") from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise InputError(f"{url}: cannot download ({reason})") from None
    finally:
        _last_request = time.monotonic()
    if len(data) > limits.MAX_FILE_MB * 2**20:
        raise InputError(f"{url}: the answer is over the {limits.MAX_FILE_MB} MB limit for a document")
    return data, final, headers


def _file_name(url: str, headers: Message, default: str) -> str:
    """A safe file name: the Content-Disposition's, else the address's last part, else ``default``."""
    name = headers.get_filename() or urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(". ")
    return name or default


def _save(folder: Path, name: str, data: bytes) -> Path:
    """``data`` written in ``folder`` under ``name`` (numbered when taken)."""
    path, k = folder / name, 2
    while path.exists():
        path = folder / f"{Path(name).stem}_{k}{Path(name).suffix}"
        k += 1
    path.write_bytes(data)
    return path


def attachments(html: bytes, base: str) -> list[str]:
    """Addresses of a page's attached documents (relative links resolved against ``base``), in page order."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # lxml raises several kinds on broken markup
        return []
    found = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        target = urllib.parse.urljoin(base, href)
        path = urllib.parse.urlsplit(target).path
        if href and is_address(target) and (ATTACHMENT.search(path) or ATTACHMENT.search(a.text_content().strip())):
            found.append(target)
    return list(dict.fromkeys(found))


def _notice(text: str) -> dict[str, str]:
    """What a cover notice states of the plan it attaches (文号, date, issuer, title, place, years)."""
    found = metadata.detect(clean.normalize(text))
    return {k: str(v) for k, v in found.items() if k in (
        "doc_number", "issue_date", "issuer", "title", "province", "city", "level", "first_year", "last_year")}


def _scripted(html: bytes) -> bool:
    """Whether a page's visible text is built by scripts: it has scripts and next to no text of its own."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except Exception:
        return False
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    return b"<script" in html.lower() and len(re.findall(r"[\u4e00-\u9fff]", tree.text_content())) < 50


def download(url: str, folder: Path) -> list[Download]:
    """The page at ``url`` saved in ``folder``, then its attachments if it has any; errors for a page
    that is not there, forbidden, built by scripts, or neither a page nor a document."""
    data, final, headers = get(url)
    kind = headers.get_content_type()
    if kind not in _HTML_TYPES and readers.content_kind(data) != "html":
        name = _file_name(final, headers, "download")
        if Path(name).suffix.lower() not in readers.SUPPORTED:
            raise InputError(f"{url}: the answer is {kind}, neither a web page nor a document it reads "
                             f"({', '.join(readers.SUPPORTED)})")
        return [Download(_save(folder, name, data), final)]
    name = _file_name(final, headers, "page.html")
    name = name if Path(name).suffix.lower() in (".html", ".htm") else f"{Path(name).stem or 'page'}.html"
    links = attachments(data, final)
    if not links:
        if _scripted(data):
            raise InputError(f"{url}: the page's text is built by scripts in the browser, not in its HTML; "
                             "open it in a browser, save it (or print it to PDF) and add that file")
        return [Download(_save(folder, name, data), final)]
    page = _save(folder, name, data)
    try:
        notice = _notice(readers.read(page).text)
    except InputError:  # a notice of links only
        notice = {}
    out = [Download(page, final, attaching=True)]
    for link in links:
        body, where, answer = get(link)
        out.append(Download(_save(folder, _file_name(where, answer, "attachment"), body), where, final, notice))
    return out
