"""From a Document (paragraphs and tables) to a Plan: header, targets and every task."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from theodoi.extract.agency_lists import split_agencies
from theodoi.extract.columns import (
    CODE,
    DEADLINE,
    RESULT,
    TASK_FIELDS,
    field_of_header_cell,
)
from theodoi.extract.deadlines import parse_deadline
from theodoi.extract.document import Document, Table
from theodoi.extract.metadata import read_metadata
from theodoi.extract.model import Due, Plan, Step, Task
from theodoi.extract.narrative import narrative_tasks
from theodoi.extract.targets import read_targets
from theodoi.extract.text import clean_cell

_ROMAN = re.compile(r"^[IVXL]{1,6}$")
_LETTER = re.compile(r"^[A-ZĐ]$")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*$")


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
    tables = [t for t in doc.tables() if _task_columns(t)]
    if tables:
        for table in tables:
            plan.tasks.extend(table_tasks(table))
    else:
        plan.tasks = narrative_tasks(paragraphs)
    if not plan.tasks:
        raise NoPlanFound(doc.source)
    if meta.year is None:
        meta.year = _likely_year(plan.tasks)
    _normalise_deadlines(plan)
    return plan


def _task_columns(table: Table) -> list[str | None]:
    """The field of each column of a task table, or [] when it is not a task table."""
    if not table.rows or table.header_rows == 0:
        return []
    header = table.rows[0]
    fields = [field_of_header_cell(cell) for cell in header]
    if CODE not in fields or len([f for f in fields if f in TASK_FIELDS]) < 3:
        return []
    return fields


def _code_kind(code: str) -> str | None:
    if _NUMBER.match(code):
        return "number"
    if _ROMAN.match(code):
        return "roman"
    if _LETTER.match(code):
        return "letter"
    return None


def _split_code(text: str | None) -> str | None:
    """The code printed in a TT cell ("1.", "II", "2.1"), or None."""
    if not text:
        return None
    value = text.strip().rstrip(".").strip()
    return value if _code_kind(value) else None


def table_tasks(table: Table) -> list[Task]:
    """Every task row of a task table, sub-rows merged into their task."""
    fields = _task_columns(table)
    code_col = fields.index(CODE)
    tasks: list[Task] = []
    sub_rows: dict[int, list[dict[str, str | None]]] = {}
    roman: str | None = None
    letter: str | None = None
    damaged = False  # after a damaged row the numbering itself can no longer be trusted
    for row_index, row in enumerate(table.rows[table.header_rows:], start=table.header_rows):
        if row_index in table.damaged_rows:
            damaged = True
            if tasks:
                tasks[-1].uncertain = True
        cells = {f: clean_cell(row[i]) if i < len(row) else None
                 for i, f in enumerate(fields) if f and f != CODE}
        raw_code = row[code_col] if code_col < len(row) else None
        code = _split_code(raw_code)
        texts = [v for v in cells.values() if v]
        if code is None and raw_code and raw_code.strip() and not texts:
            # A heading row merged across the table: "I. CÔNG TÁC ..." in one cell.
            match = re.match(r"^\s*([IVXL]{1,6}|[A-ZĐ]|\d{1,3}(?:\.\d{1,3})*)\.?\s+(.+)$",
                             raw_code, re.S)
            if match:
                code, texts = match.group(1), [clean_cell(match.group(2)) or ""]
                cells = {"name": texts[0]}
        kind = _code_kind(code) if code and code != "?" else None
        distinct = set(texts)
        if kind in ("roman", "letter") and len(distinct) <= 1:
            if kind == "roman":
                roman, letter, damaged = code, None, False
            else:
                letter = code
            continue
        if code is None and row_index in table.damaged_rows and texts:
            # A row that lost its number: kept as its own task, marked uncertain.
            code = "?"
        elif code is None:
            if tasks and texts:
                sub_rows.setdefault(len(tasks) - 1, []).append(cells)
            continue
        prefix = ".".join(p for p in (roman, letter) if p)
        full_code = f"{prefix}.{code}" if prefix else code
        if len(distinct) == 1 and len(texts) > 1:
            # A group heading merged across all columns: only its name is real.
            cells = {"name": texts[0]}
        task = Task(code=full_code, uncertain=damaged)
        for name in TASK_FIELDS:
            setattr(task, name, cells.get(name))
        sub_rows[len(tasks)] = [cells]
        tasks.append(task)
    for index, rows in sub_rows.items():
        _merge_sub_rows(tasks[index], rows)
    return tasks


def _merge_sub_rows(task: Task, rows: list[dict[str, str | None]]) -> None:
    """A task printed over several sub-rows: cells joined, each sub-row's deadline a step."""
    if len(rows) > 1:
        for name in TASK_FIELDS:
            values = [r.get(name) for r in rows if r.get(name)]
            setattr(task, name, " ".join(values) if values else None)
    task.lead = split_agencies(_raw_join(rows, "lead"))
    task.partners = split_agencies(_raw_join(rows, "partners"))
    task.sub_deadlines = [(r[DEADLINE], r.get(RESULT)) for r in rows if r.get(DEADLINE)]


def _raw_join(rows: list[dict[str, str | None]], name: str) -> str | None:
    values = [r.get(name) for r in rows if r.get(name)]
    return "; ".join(values) if values else None


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


__all__ = ["NoPlanFound", "build_plan", "table_tasks"]
