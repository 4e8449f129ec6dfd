"""Where each task was read: file, table and row; for a PDF or a scan, the page and the box
of its rows (issue 14, "trace to source"). Provenance rides in plan-json as an unscored
"source" of each task."""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import pytest

from tests.conftest import gold_plan, seed_path
from tests.extract.test_scores import f1_of
from tests.readers.conftest import fixture
from tests.readers.test_ocr import needs_ocr
from theodoi.extract.commands import extract_plan, read_plan
from theodoi.extract.crops import NoRegion, region_png
from theodoi.extract.model import Plan, Source, Task


def page_sizes(path: Path) -> list[tuple[float, float]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [(p.width, p.height) for p in pdf.pages]


def words(text: str | None, n: int = 3) -> str:
    return " ".join(re.findall(r"\w+", text or "")[:n])


def text_in(path: Path, page: int, bbox: list[float]) -> str:
    """The words pdfplumber finds inside the box, whitespace collapsed."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        crop = pdf.pages[page - 1].crop(bbox, strict=False)
        return " ".join(re.findall(r"\w+", crop.extract_text() or ""))


def assert_boxes_plausible(tasks: list[Task], sizes: list[tuple[float, float]]) -> None:
    """Each task on a page of the file, its box inside the page; down each page, rows follow
    one another from the top."""
    last: tuple[int, float] = (0, -1.0)
    for task in tasks:
        source = task.source
        assert source is not None and source.page is not None and source.bbox, task.code
        width, height = sizes[source.page - 1]
        x0, top, x1, bottom = source.bbox
        assert 0 <= x0 < x1 <= width + 0.5 and 0 <= top < bottom <= height + 0.5, task.code
        for page, *box in source.more:  # the rest of a row a page break carried on
            assert page > source.page and box[1] < box[3] <= sizes[page - 1][1] + 0.5
        here = (source.page, top)
        assert here >= last, f"{task.code} begins above the task before it"
        last = (source.more[-1][0], source.more[-1][2]) if source.more else here


@pytest.mark.parametrize("name", ["001_ruled.pdf", "000_unruled.pdf", "001_borderless.pdf"])
def test_each_pdf_task_has_its_page_and_a_box_holding_its_first_words(name: str) -> None:
    path = fixture(name)
    plan = read_plan(path)
    assert_boxes_plausible(plan.tasks, page_sizes(path))
    rows = [t.source.row for t in plan.tasks]
    assert rows == sorted(rows) and len(set(rows)) == len(rows)
    for task in plan.tasks:
        assert task.source.file == name
        if task.name:  # the boxes frame the row: the task's first words are printed in them
            # (on the next page, for a row whose name cell a page break pushed on)
            printed = " ".join(text_in(path, page, box) for page, *box in task.source.regions())
            assert words(task.name) in printed, task.code


def test_a_row_a_page_break_split_keeps_a_box_on_each_page() -> None:
    plan = read_plan(fixture("000_ruled.pdf"))
    split = next(t for t in plan.tasks if t.code == "1.2")
    assert split.source.more and split.source.more[0][0] == split.source.page + 1
    assert len(split.source.regions()) == 2


def test_a_page_read_turned_keeps_its_boxes_and_the_turn_to_draw_them() -> None:
    from PIL import Image

    # 000_rotated.pdf is 000_ruled.pdf with its pages' text set sideways (/Rotate 90).
    path = fixture("000_rotated.pdf")
    turned = read_plan(path).tasks
    ruled = {t.code: t.source for t in read_plan(fixture("000_ruled.pdf")).tasks}
    for task in turned:
        assert task.source.turn == 270, task.code
        assert (task.source.page, task.source.bbox) == (ruled[task.code].page,
                                                        ruled[task.code].bbox), task.code
    row = turned[1].source
    crop = Image.open(io.BytesIO(region_png(path.read_bytes(), row.regions(), row.turn)))
    assert abs(crop.width - 2 * (row.bbox[2] - row.bbox[0] + 4)) <= 3  # drawn as read: across
    assert Source.from_json(turned[1].to_json()["source"]).turn == 270


def test_docx_tasks_point_at_their_row_of_the_files_table() -> None:
    import docx

    path = fixture("000_decision.docx")
    plan = read_plan(path)
    tables = docx.Document(str(path)).tables
    for task in plan.tasks:
        source = task.source
        assert source.page is None and source.bbox is None  # a DOCX has no fixed pages
        row = tables[source.table].rows[source.row]
        printed = " ".join(re.findall(r"\w+", " ".join(c.text for c in row.cells)))
        assert words(task.name) in printed, task.code
        assert task.code.split(".")[-1] in source.text.split(" | ")[0]


def test_text_tasks_keep_their_row_and_its_cells_as_read() -> None:
    plan = read_plan(seed_path("003"))
    rows = [t.source.row for t in plan.tasks]
    assert rows == sorted(rows)
    first = plan.tasks[0]
    assert first.source.text.startswith("1 | Tổ chức các phiên họp")
    assert first.source.page is None


def test_a_numbered_paragraph_task_knows_only_its_file() -> None:
    plan = read_plan(seed_path("004"))
    assert all(t.source == Source(file=seed_path("004").name) for t in plan.tasks)


@pytest.mark.parametrize(("sources", "gold"), [(["000"], "000"), (["001", "003"], "001")])
def test_the_source_key_does_not_change_a_score(sources: list[str], gold: str) -> None:
    predicted = extract_plan([seed_path(s) for s in sources]).to_json()
    assert all("source" in t for t in predicted["tasks"])
    bare = copy.deepcopy(predicted)
    for task in bare["tasks"]:
        del task["source"]
    assert f1_of(gold_plan(gold), predicted) == f1_of(gold_plan(gold), bare)


def test_the_source_goes_through_plan_json_and_back() -> None:
    plan = read_plan(fixture("000_ruled.pdf"))
    again = Plan.from_json(plan.to_json())
    assert [t.source for t in again.tasks] == [t.source for t in plan.tasks]
    # A gold file, written without sources, reads back without them.
    assert "source" not in Plan.from_json(gold_plan("000")).to_json()["tasks"][0]


def test_the_crop_of_a_row_is_a_png_of_its_box() -> None:
    from PIL import Image

    path = fixture("000_ruled.pdf")
    task = next(t for t in read_plan(path).tasks if t.code == "1.1")
    one = Image.open(io.BytesIO(region_png(path.read_bytes(), task.source.regions()[:1])))
    x0, top, x1, bottom = task.source.bbox
    assert one.format == "PNG"
    assert abs(one.height - 2 * (bottom - top + 4)) <= 3  # 144 dpi, 2 points around it
    assert abs(one.width - 2 * (x1 - x0 + 4)) <= 3
    split = next(t for t in read_plan(path).tasks if t.code == "1.2")
    both = Image.open(io.BytesIO(region_png(path.read_bytes(), split.source.regions())))
    assert both.height > 2 * (split.source.bbox[3] - split.source.bbox[1])  # the next page's too


def test_a_crop_outside_the_file_is_refused() -> None:
    data = fixture("000_ruled.pdf").read_bytes()
    with pytest.raises(NoRegion):
        region_png(data, [(99, 10, 10, 50, 50)])
    with pytest.raises(NoRegion):
        region_png(data, [(1, 5000, 5000, 6000, 6000)])
    with pytest.raises(NoRegion):
        region_png(b"not a file", [(1, 10, 10, 50, 50)])


@pytest.mark.slow
@needs_ocr
def test_a_scanned_tasks_box_is_in_points_like_a_pdfs() -> None:
    path = fixture("000_scanned.pdf")
    plan = read_plan(path)
    assert_boxes_plausible(plan.tasks, page_sizes(path))
    # The scan is a print of the ruled PDF: the same row, the same box within a few points.
    ruled = {t.code: t.source.bbox for t in read_plan(fixture("000_ruled.pdf")).tasks}
    for task in plan.tasks:
        if task.code in ruled:
            assert all(abs(a - b) <= 6 for a, b in zip(task.source.bbox, ruled[task.code],
                                                        strict=True)), task.code


def test_a_scan_images_crop_is_cut_at_its_resolution() -> None:
    from PIL import Image

    page = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    data = io.BytesIO()
    page.save(data, format="PNG", dpi=(150, 150))
    png = region_png(data.getvalue(), [(1, 72, 72, 144, 108)])  # 1 x 0.5 inch, in points
    crop = Image.open(io.BytesIO(png))
    # 150 px an inch, 2 points (4 px) more on each side.
    assert abs(crop.width - (150 + 8)) <= 2 and abs(crop.height - (75 + 8)) <= 2
