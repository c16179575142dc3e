"""OCR cost and accuracy on scans made from the seeds: seconds per page and character error rate.

Each seed's first ``--pages`` pages are drawn as a scanner makes them (``tests/renderers.py``:
A4 at 200 dpi, Noto Sans SC 16 pt or ``--size``, slight blur, +-0.6 degree turn) and read by
``ipcompare.reading.ocr.read_page`` at each ``--long-side`` (px of the page's long side given to the
models). Per page: wall and CPU seconds on one thread, CER = edit distance / reference length on the
text with whitespace removed and punctuation width ignored (NFKC; 。、“”〔〕 as their ASCII forms).
Lines below ``ocr.LOW_CONFIDENCE`` are counted with their own CER (is the flag worth it?). Then one
whole scanned PDF through the reader, pages over the worker processes: wall seconds per page.

    python bench/bench_ocr.py [--pages 2] [--long-side 1100,1400,1750] [--size 16] [--pdf SX2022] [--json]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import renderers  # noqa: E402
from ipcompare import workers  # noqa: E402
from ipcompare.reading import ocr, readers  # noqa: E402

_WIDTH = str.maketrans({"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "〔": "(", "〕": ")",
                        "【": "[", "】": "]", "《": "<", "》": ">"})


def normal(text: str) -> str:
    """Text compared for CER: NFKC (full-width forms to ASCII), CJK punctuation as ASCII, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(_WIDTH))


def distance(a: str, b: str) -> int:
    """Levenshtein edit distance."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def line_errors(lines: list, reference: list[str]) -> list[tuple[float, int, int]]:
    """(confidence, errors, length) of each OCR'd line against the reference line it is closest to."""
    refs = [normal(r) for r in reference if normal(r)]
    out = []
    for line in lines:
        got = normal(line.text)
        errors = min(distance(r, got) for r in refs) if refs else len(got)
        out.append((line.confidence, errors, max(len(got), 1)))
    return out


def measure(pages: list, long_side: int) -> dict:
    ocr.LONG_SIDE = long_side
    ocr.read_page(pages[0][0])  # the models loaded, not timed
    wall = cpu = errors = length = 0.0
    lines = []
    for image, reference in pages:
        start, start_cpu = time.perf_counter(), time.process_time()
        page = ocr.read_page(image)
        wall += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        expected = normal("".join(reference))
        errors += distance(expected, normal("".join(line.text for line in page.lines)))
        length += len(expected)
        lines += line_errors(page.lines, reference)
    low = [x for x in lines if x[0] < ocr.LOW_CONFIDENCE]
    high = [x for x in lines if x[0] >= ocr.LOW_CONFIDENCE]
    return {"long_side": long_side, "pages": len(pages), "wall_s_per_page": round(wall / len(pages), 2),
            "cpu_s_per_page": round(cpu / len(pages), 2), "cer": round(errors / length, 4),
            "lines": len(lines), "low_confidence_lines": len(low),
            "cer_low_lines": round(sum(e for _, e, _ in low) / max(sum(n for *_, n in low), 1), 4),
            "cer_other_lines": round(sum(e for _, e, _ in high) / max(sum(n for *_, n in high), 1), 4)}


def whole_pdf(doc_id: str) -> dict:
    """A whole scanned seed through ``readers.read`` (pages over the workers, no cache)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = renderers.render("scan", doc_id, Path(tmp))
        n = len(renderers.scan_pages(renderers.SEEDS[doc_id].read_text("utf-8")))
        start = time.perf_counter()
        readers.read(path)
        return {"doc_id": doc_id, "pages": n, "workers": workers.count(),
                "wall_s_per_page": round((time.perf_counter() - start) / n, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2, help="pages per seed (default 2)")
    parser.add_argument("--long-side", default=str(ocr.LONG_SIDE), help="comma-separated px (default %(default)s)")
    parser.add_argument("--size", type=float, default=16, help="font size in pt (default 16, 公文's 三号)")
    parser.add_argument("--pdf", default="SX2022", help="seed read whole as a scanned PDF ('' for none)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pages = [p for doc_id in sorted(renderers.SEEDS)
             for p in renderers.scan_pages(renderers.SEEDS[doc_id].read_text("utf-8"), size=args.size, pages=args.pages)]
    chosen = ocr.LONG_SIDE
    rows = [measure(pages, int(side)) for side in args.long_side.split(",")]
    ocr.LONG_SIDE = chosen
    result = {"per_page": rows, "whole_pdf": whole_pdf(args.pdf) if args.pdf else None}
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print("long side  pages  wall s/page  CPU s/page  CER     lines  low-conf lines  CER low  CER other")
    for r in rows:
        print(f"{r['long_side']:>9}  {r['pages']:>5}  {r['wall_s_per_page']:>11}  {r['cpu_s_per_page']:>10}  "
              f"{r['cer']:.2%}  {r['lines']:>5}  {r['low_confidence_lines']:>14}  {r['cer_low_lines']:.1%}  "
              f"{r['cer_other_lines']:.2%}")
    if w := result["whole_pdf"]:
        print(f"whole scanned PDF {w['doc_id']}: {w['pages']} pages, {w['workers']} workers, "
              f"{w['wall_s_per_page']} s/page (wall)")


if __name__ == "__main__":
    main()
