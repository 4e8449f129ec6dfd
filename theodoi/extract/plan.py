"""From a Document (paragraphs and tables) to a Plan: header, targets and every task."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from theodoi.extract.agency_lists import split_agencies
from theodoi.extract.columns import (
    CODE,
    DEADLINE,
    DETAIL,
    LEAD,
    NAME,
    PARTNERS,
    RESULT,
    TASK_FIELDS,
    field_of_header_cell,
    is_header_fragment,
)
from theodoi.extract.deadlines import parse_deadline
from theodoi.extract.document import Box, Document, Paragraph, RowOrigin, Table, union_box
from theodoi.extract.metadata import read_metadata
from theodoi.extract.model import Due, Plan, Section, Source, Step, Task
from theodoi.extract.narrative import narrative_plan
from theodoi.extract.targets import is_target_table, read_targets, table_targets
from theodoi.extract.text import clean_cell

_ROMAN = re.compile(r"^[IVXL]{1,6}$")
_LETTER = re.compile(r"^[A-ZĐ]$")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*$")
# A group code printed with its section: "III.1", "III.1.1", "II.A.2", "B.1".
_GROUP = re.compile(r"^(?:[IVXL]{1,6}(?:\.[A-ZĐ])?|[A-ZĐ])(?:\.\d{1,3})+$")
# A heading printed in one cell: "I. NÂNG CAO ...", "**I.** NÂNG CAO ...", "A - TIÊU CHÍ".
_HEADING_CELL = re.compile(
    r"^[*_\s]*(?P<code>[IVXL]{1,6}|[A-ZĐ]|\d{1,3}(?:\.\d{1,3})*)[*_]*\s*[.:)–-]?[*_]*\s+"
    r"(?P<title>\S.*)$",
    re.S,
)
_MARKERS = re.compile(r"^[*_]+|[*_]+$")
# A lettered row under a numbered task ("a", "b)"): a task of its own, "1.a".
_SUB_LETTER = re.compile(r"^[a-zđ]$")


class NoPlanFound(Exception):
    """The document holds no task table and no numbered tasks."""


def build_plan(doc: Document) -> Plan:
    """The Plan a document holds; raises NoPlanFound when it holds no task."""
    paragraphs = [p.text for p in doc.paragraphs()]
    meta = read_metadata(paragraphs)
    plan = Plan(
        source=doc.source,
        meta=meta,
        warnings=list(doc.warnings),
        cell_fidelity=doc.cell_fidelity,
        pages=doc.pages,
    )
    plan.targets = read_targets(paragraphs)
    for table in doc.tables():
        if is_target_table(table):
            plan.targets.extend(table_targets(table))
    for index, table in enumerate(doc.tables()):
        _number_rows(table, index)
    # Where the decision has a task table its rows are the tasks; numbered paragraphs of
    # the body that restate them are not read.
    tables = _task_tables(doc.blocks)
    if tables:
        for table in tables:
            tasks, sections = table_plan(table)
            plan.tasks.extend(tasks)
            plan.sections.extend(sections)
    else:
        plan.tasks, plan.sections = narrative_plan(paragraphs)
    if not plan.tasks:
        raise NoPlanFound(doc.source)
    for task in plan.tasks:
        if task.source is None:
            task.source = Source()  # a numbered paragraph: only its file is known
        task.source.file = doc.source
    if meta.year is None:
        meta.year = _likely_year(plan.tasks)
    _normalise_deadlines(plan)
    return plan


def _number_rows(table: Table, index: int) -> None:
    """Every row given an origin: the reader's, or its place in the table as read; the
    table's place among the document's tables where the reader did not say."""
    if len(table.origins) != len(table.rows):
        table.origins = [RowOrigin(row=i) for i in range(len(table.rows))]
    for origin in table.origins:
        if origin is not None and origin.table is None:
            origin.table = index


def _task_tables(blocks: Sequence[Paragraph | Table]) -> list[Table]:
    """The task tables, each with the headerless tables that continue it joined on.

    A reader may hand over a task table cut in pieces (a PDF page each, a Markdown block
    each): a table without a header, as wide as the task table before it and opening with
    a row code, goes on with that table; a section heading printed between the pieces
    ("II. Khẩn trương ...") becomes a section row of it.
    """
    out: list[Table] = []
    between: list[str] = []  # paragraphs since the last table
    for block in blocks:
        if isinstance(block, Paragraph):
            between.append(block.text)
            continue
        fields = _task_columns(block)
        repeated = bool(out) and fields == _task_columns(out[-1])  # the header again, a page on
        if fields and not repeated:
            out.append(Table(rows=list(block.rows), header_rows=block.header_rows,
                             damaged_rows=set(block.damaged_rows), covered=set(block.covered),
                             origins=list(block.origins)))
        elif out and (repeated or (not is_target_table(block) and _continues(out[-1], block))):
            heading = _section_between(between)
            if heading:
                width = len(out[-1].rows[0])
                code_col = _task_columns(out[-1]).index(CODE)
                name_col = next((i for i, f in enumerate(_task_columns(out[-1])) if f == NAME),
                                code_col)
                row: list[str | None] = [None] * width
                row[code_col], row[name_col] = heading
                out[-1].rows.append(row)
                out[-1].origins.append(None)
            _join(out[-1], block)
        between = []
    return out


_SECTION_PARAGRAPH = re.compile(r"^[*_\s]*([IVXL]{1,6})\s*[.:–-][*_]*\s+(\S.*)$", re.S)


def _section_between(paragraphs: list[str]) -> tuple[str, str] | None:
    """(numeral, title) of a section heading printed between two pieces of a table."""
    for index, text in enumerate(paragraphs):
        found = _SECTION_PARAGRAPH.match(text.strip())
        if found:
            rest = list(paragraphs[index + 1:])
            title = clean_cell("\n".join([found.group(2), *rest])) or ""
            return found.group(1), _MARKERS.sub("", title).strip()
    return None


def _continues(task_table: Table, table: Table) -> bool:
    """Whether a headerless `table` is the next piece of `task_table`."""
    fields = _task_columns(task_table)
    # As wide, or narrower by trailing columns of no task field that were empty on its page.
    narrowest = max(i for i, f in enumerate(fields) if f in (CODE, *TASK_FIELDS)) + 1
    if not table.rows or not narrowest <= max(len(r) for r in table.rows) <= len(fields):
        return False
    code_col = fields.index(CODE)
    first = next((r for r in table.rows if any(c and c.strip() for c in r)), None)
    if first is None:
        return False
    # It opens with a numbered row, or with the rest of the row the cut split (no code).
    return _split_code(first[code_col]) is not None or not (first[code_col] or "").strip()


def _join(task_table: Table, table: Table) -> None:
    """`table`'s rows appended to `task_table`, a repeated header left out."""
    start = _task_header(table)[1]
    while start < len(table.rows) and _names_fields(table.rows[start]):
        start += 1
    offset = len(task_table.rows) - start
    task_table.origins.extend(table.origin_of(r) for r in range(start, len(table.rows)))
    task_table.rows.extend(table.rows[start:])
    task_table.damaged_rows |= {r + offset for r in table.damaged_rows if r >= start}
    task_table.covered |= {(r + offset, c) for r, c in table.covered if r >= start}


def _task_columns(table: Table) -> list[str | None]:
    """The field of each column of a task table, or [] when it is not a task table."""
    return _task_header(table)[0]


def _task_header(table: Table) -> tuple[list[str | None], int]:
    """The field of each column and the number of header rows; ([], 0) if not a task table.

    A header printed over two rows ("Cơ quan" above "Chủ trì" and "Phối hợp") names each
    column by its lowest cell that names a field; a second row of field names counts as
    header even when the reader did not mark it.
    """
    if not table.rows or table.header_rows == 0 or is_target_table(table):
        return [], 0
    count = table.header_rows
    while count < len(table.rows) and _names_fields(table.rows[count]):
        count += 1
    width = max(len(r) for r in table.rows[:count])
    fields: list[str | None] = [None] * width
    for header in table.rows[:count]:
        for col, cell in enumerate(header):
            field = field_of_header_cell(cell)
            if field is not None:
                fields[col] = field
    if CODE not in fields or len([f for f in fields if f in TASK_FIELDS]) < 3:
        return [], 0
    return _distinct_fields(fields), count


def _distinct_fields(fields: list[str | None]) -> list[str | None]:
    """The fields with each named once: a second name column is the detail, other repeats unread.

    "Nhiệm vụ" | "Nội dung thực hiện" both name a task; the second holds its details.
    """
    out: list[str | None] = []
    for field in fields:
        if field == NAME and NAME in out and DETAIL not in fields and DETAIL not in out:
            field = DETAIL
        out.append(None if field in out else field)
    return out


def _names_fields(row: Sequence[str | None]) -> bool:
    """Whether a row holds only header words naming fields ("Chủ trì", "Phối hợp")."""
    texts = [cell for cell in row if cell and cell.strip()]
    return bool(texts) and all(
        field_of_header_cell(cell) not in (None, CODE) and is_header_fragment(cell)
        for cell in texts
    )


def _code_kind(code: str) -> str | None:
    if _NUMBER.match(code):
        return "number"
    if _ROMAN.match(code):
        return "roman"
    if _LETTER.match(code):
        return "letter"
    if _GROUP.match(code):
        return "group"
    if _SUB_LETTER.match(code):
        return "sub-letter"
    return None


def _split_code(text: str | None) -> str | None:
    """The code printed in a TT cell ("1.", "II", "2.1", "III.1.1"), or None."""
    if not text:
        return None
    value = _MARKERS.sub("", text.strip()).strip().rstrip(".)").strip()
    return value if _code_kind(value) else None


def _is_capitals(text: str) -> bool:
    """Whether a title is printed in capitals ("NÂNG CAO NHẬN THỨC"), as section titles are."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _heading_of(raw_code: str | None, cells: dict[str, str | None]) -> tuple[str, str] | None:
    """(code, title) of a row holding only a heading printed in one cell ("I. NÂNG CAO ...")."""
    texts = {v for v in cells.values() if v}
    in_code_cell = bool(raw_code and raw_code.strip())
    if in_code_cell:
        texts.add(clean_cell(raw_code) or "")
    if len(texts) != 1:
        return None
    match = _HEADING_CELL.match(texts.pop())
    if not match:
        return None
    code = match.group("code")
    title = _MARKERS.sub("", clean_cell(match.group("title")) or "").strip()
    kind = _code_kind(code)
    if not in_code_cell and kind not in ("roman", "letter"):
        return None  # "2. Triển khai ..." alone in a name cell goes on the task above
    if kind == "letter" and not _is_capitals(title):
        return None  # "A. Văn bản ..." in a name cell is a sentence, not a heading
    return code, title


class _Numbering:
    """The code context of a table: its section numeral, letter and nearest printed group."""

    def __init__(self) -> None:
        self.roman: str | None = None
        self.letter: str | None = None
        self.group: str | None = None  # a printed group code ("III.1.1") the rows fall under
        self.number: str | None = None  # the last numbered row's code, for its lettered rows
        self.sections: list[Section] = []

    def prefix(self) -> str:
        return ".".join(p for p in (self.roman, self.letter) if p)

    def open_section(self, code: str, kind: str, title: str | None) -> None:
        """A section heading: its code for the rows under it, its title kept."""
        if kind == "roman":
            self.roman, self.letter = code, None
        else:
            self.letter = code
        self.group = self.number = None
        title = _MARKERS.sub("", title or "").strip()
        self.sections.append(Section(self.prefix(), title or None))

    def full_code(self, code: str, kind: str) -> str:
        """The plan-json code of a task row whose TT cell prints `code`."""
        if kind == "group":
            head = code.split(".")[0]
            if _ROMAN.match(head):
                if head != self.roman:
                    self.roman, self.letter = head, None
                full = code
            else:  # "B.1": a letter's group, under the section's numeral
                if head != self.letter:
                    self.letter = head
                full = f"{self.roman}.{code}" if self.roman else code
            self.group = self.number = full
            return full
        if kind == "sub-letter":
            return f"{self.number}.{code}"
        base = self.group or self.prefix()
        self.number = f"{base}.{code}" if base else code
        return self.number


def table_tasks(table: Table) -> list[Task]:
    """Every task row of a task table, sub-rows merged into their task."""
    return table_plan(table)[0]


def table_plan(table: Table) -> tuple[list[Task], list[Section]]:
    """Every task row of a task table (sub-rows merged into their task) and its sections."""
    fields, header_rows = _task_header(table)
    code_col = fields.index(CODE)
    tasks: list[Task] = []
    sub_rows: dict[int, list[dict[str, str | None]]] = {}
    task_rows: dict[int, list[int]] = {}  # the rows each task was printed over
    numbering = _Numbering()
    above: dict[int, str | None] = {}  # each column's last text, for vertically merged cells
    last_raw_code: str | None = None
    previous: dict[str, str | None] = {}  # the cells of the last numbered row, as read
    damaged = False  # after a damaged row the numbering itself can no longer be trusted
    for row_index, row in enumerate(table.rows[header_rows:], start=header_rows):
        if row_index in table.damaged_rows:
            damaged = True
            if tasks:
                tasks[-1].uncertain = True
        row = list(row) + [None] * (len(fields) - len(row))
        raw_code = row[code_col]
        code = _split_code(raw_code)
        if code is not None:
            for col in range(len(fields)):
                if (row_index, col) in table.covered and col != code_col:
                    row[col] = above.get(col)  # a merged cell belongs to every row it covers
        for col, value in enumerate(row):
            if (row_index, col) not in table.covered:
                above[col] = value
        cells = {f: clean_cell(row[i]) for i, f in enumerate(fields) if f and f != CODE}
        # Agency cells keep their line breaks: one agency printed per line is one item each.
        raw = {f: row[i] for i, f in enumerate(fields) if f in (LEAD, PARTNERS)}
        texts = [v for v in cells.values() if v]
        distinct = set(texts)
        if code is None or not texts:
            heading = _heading_of(raw_code, cells) if code is None or len(distinct) <= 1 else None
            if heading and code is None:
                code, title = heading
                cells, raw, texts, distinct = {NAME: title}, {}, [title], {title}
        kind = _code_kind(code) if code and code != "?" else None
        if kind == "sub-letter" and numbering.number is None:
            code = kind = None  # a letter with no numbered row above: read as unnumbered
        if kind in ("roman", "letter"):
            # A section, even where its row prints more than a title (an agency, a note).
            title = cells.get(NAME) or (texts[0] if texts else None)
            numbering.open_section(code, kind, title)
            if kind == "roman":
                damaged = False
            last_raw_code = None
            continue
        if code is None and row_index in table.damaged_rows and texts:
            # A row that lost its number: kept as its own task, marked uncertain.
            code = "?"
        elif code is None:
            if tasks and len(distinct) == 1 and cells.get(NAME) and _is_capitals(cells[NAME]) and (
                len(texts) == 1 or len(texts) == len(cells)
            ):
                last_raw_code = None  # a title in capitals heads what follows, not a sub-row
                continue
            if tasks and texts:
                sub_rows.setdefault(len(tasks) - 1, []).append({**cells, **_raw_keys(raw)})
                task_rows[len(tasks) - 1].append(row_index)
            continue
        if (tasks and raw_code and last_raw_code == raw_code.strip() and kind != "roman"
                and row_index not in table.damaged_rows):
            # The same code again on the next row: a merged TT cell the reader repeated in
            # each row it covers; the other merged cells came repeated with it.
            fresh = {**cells, **_raw_keys(raw)}
            sub_rows.setdefault(len(tasks) - 1, []).append(
                {k: v for k, v in fresh.items() if v != previous.get(k)})
            task_rows[len(tasks) - 1].append(row_index)
            previous = fresh
            continue
        last_raw_code = raw_code.strip() if raw_code else None
        previous = {**cells, **_raw_keys(raw)}
        full_code = code if code == "?" else numbering.full_code(code, kind or "number")
        if damaged and row_index in table.damaged_rows and any(t.code == full_code
                                                               for t in tasks):
            # A row after rows the source left out, its section lost with them: the code
            # the numbering gives is taken; "?" says the section is not known.
            full_code = f"?.{code}"
        if len(distinct) == 1 and len(texts) > 1:
            # A group heading merged across all columns: only its name is real.
            cells, raw = {NAME: texts[0]}, {}
        task = Task(code=full_code, uncertain=damaged)
        for name in TASK_FIELDS:
            setattr(task, name, cells.get(name))
        sub_rows[len(tasks)] = [{**cells, **_raw_keys(raw)}]
        task_rows[len(tasks)] = [row_index]
        tasks.append(task)
    for index, rows in sub_rows.items():
        _merge_sub_rows(tasks[index], rows)
    for index, rows_of_task in task_rows.items():
        tasks[index].source = rows_to_source(table, rows_of_task)
    return tasks, numbering.sections


def rows_to_source(table: Table, rows: list[int]) -> Source:
    """Where a task printed over `rows` of `table` came from: its first row's place, the
    boxes of all its rows page by page, and their cells' text."""
    origins = [o for o in (table.origin_of(r) for r in rows) if o is not None]
    source = Source(rows=len(rows))
    if origins:
        source.table, source.row = origins[0].table, origins[0].row
        source.turn = origins[0].turn
    by_page: dict[int, list[Box]] = {}
    for origin in origins:
        if origin.turn != source.turn:
            continue  # one crop is drawn one way: the rows on pages turned otherwise left out
        for box in origin.boxes:
            by_page.setdefault(box[0], []).append(box)
    framed = [union_box(page, [b[1:] for b in boxes]) for page, boxes in by_page.items()]
    if framed and framed[0] is not None:
        source.page, source.bbox = framed[0][0], list(framed[0][1:])
        source.more = [list(b) for b in framed[1:] if b is not None]
    lines = [" | ".join(filter(None, (clean_cell(c) for c in table.rows[r]))) for r in rows]
    source.text = "\n".join(line for line in lines if line) or None
    return source


def _raw_keys(raw: dict[str, str | None]) -> dict[str, str | None]:
    """Agency cells as printed, under keys of their own ("lead:raw")."""
    return {f"{name}:raw": value for name, value in raw.items()}


def _merge_sub_rows(task: Task, rows: list[dict[str, str | None]]) -> None:
    """A task printed over several sub-rows: cells joined, each sub-row's deadline a step."""
    if len(rows) > 1:
        for name in TASK_FIELDS:
            values = [r.get(name) for r in rows if r.get(name)]
            setattr(task, name, " ".join(values) if values else None)
    task.lead = _agencies(rows, LEAD)
    task.partners = _agencies(rows, PARTNERS)
    task.sub_deadlines = [(r[DEADLINE], r.get(RESULT)) for r in rows if r.get(DEADLINE)]


def _agencies(rows: list[dict[str, str | None]], name: str) -> list[str]:
    """Every agency named in the sub-rows' cells of `name`, each once, in printed order."""
    found: list[str] = []
    for row in rows:
        raw = row.get(f"{name}:raw", row.get(name))
        for agency in split_agencies(raw):
            if agency not in found:
                found.append(agency)
    return found


def _normalise_deadlines(plan: Plan) -> None:
    """Each task's `due` from its deadline phrase(s), in the plan's year; unknown ones warned."""
    year = plan.meta.year
    for task in plan.tasks:
        if len(task.sub_deadlines) > 1:
            task.due = _stepped_due(task.sub_deadlines, year)
        elif task.deadline is not None and task.due.kind == "none":
            task.due = parse_deadline(task.deadline, year)
        if task.deadline and task.due.kind == "none":
            plan.warnings.append(
                f"{task.code}: không hiểu thời hạn “{task.deadline}” (giữ nguyên văn bản)"
            )


def _stepped_due(sub: Sequence[tuple[str | None, str | None]], year: int | None) -> Due:
    """One due from a task's sub-rows: the last deadline, the earlier ones as steps."""
    parsed = [(parse_deadline(text, year), result) for text, result in sub]
    final = parsed[-1][0]
    steps = []
    for due, result in parsed[:-1]:
        if due.on:
            steps.append(Step(due.on, re.sub(r"^[-–+•]\s*", "", result or "").rstrip(" ;.")))
    return Due(kind=final.kind, on=final.on, start=final.start, every=final.every,
               text=final.text, steps=steps + final.steps)


def _likely_year(tasks: Sequence[Task]) -> int | None:
    """The year most deadlines name, when the decision's own date is blank."""
    years = Counter(
        int(y) for t in tasks for y in re.findall(r"\b(20\d\d)\b", t.deadline or "")
    )
    return years.most_common(1)[0][0] if years else None


__all__ = ["NoPlanFound", "build_plan", "table_plan", "table_tasks"]
