"""The structured plan that every reader produces, and its plan-json form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PLAN_JSON_FORMAT = "plan-json/1"

DUE_KINDS = (
    "date", "month", "quarter", "half", "year", "range", "recurring",
    "ongoing", "per_plan", "conditional", "none",
)
# The rhythms a `recurring` due may have ("Hằng tháng", "Hằng quý", "Hằng tuần", "Hằng năm").
RECURRENCE_UNITS = ("month", "quarter", "week", "year")


@dataclass
class Step:
    """An earlier deadline inside a cell that gives several ("... trước 30/4")."""

    on: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"on": self.on, "text": self.text}


@dataclass
class Due:
    """A normalised deadline: `kind` as in plan-json, ISO dates as strings."""

    kind: str = "none"
    on: str | None = None
    start: str | None = None  # plan-json "from"
    every: str | None = None
    text: str | None = None
    steps: list[Step] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.start is not None:
            out["from"] = self.start
        if self.on is not None:
            out["on"] = self.on
        if self.every is not None:
            out["every"] = self.every
        if self.text is not None:
            out["text"] = self.text
        if self.steps:
            out["steps"] = [s.to_json() for s in self.steps]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Due:
        if not data:
            return cls()
        return cls(
            kind=data.get("kind", "none"),
            on=data.get("on"),
            start=data.get("from"),
            every=data.get("every"),
            text=data.get("text"),
            steps=[Step(s["on"], s.get("text", "")) for s in data.get("steps", [])],
        )


@dataclass
class Target:
    """A measurable objective (chỉ tiêu) with its value and unit."""

    text: str
    value: float | int | None
    unit: str | None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "value": self.value, "unit": self.unit}


@dataclass
class Source:
    """Where a task was read in its file: plan-json's optional, unscored "source" of a task.

    `table` and `row` count from 0 (the file's tables, the table's rows, header included);
    `rows` is how many rows the task was printed over. For a source laid out in pages (PDF,
    scan) `page` (from 1) and `bbox` ([x0, top, x1, bottom], points from the page's top-left)
    frame its rows on their first page, `more` ([page, x0, top, x1, bottom] each) where a page
    break carried them on; `turn` the degrees (clockwise) the pages were turned, on top of
    their own rotation, for their text to stand upright, as the boxes are measured. `text` is
    the rows' cells as the reader saw them, " | " between cells, one line per row.
    """

    file: str | None = None
    table: int | None = None
    row: int | None = None
    rows: int = 1
    page: int | None = None
    bbox: list[float] | None = None
    more: list[list[float]] = field(default_factory=list)
    turn: int = 0
    text: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file}
        for name in ("table", "row", "page", "bbox", "text"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.rows != 1:
            out["rows"] = self.rows
        if self.more:
            out["more"] = [list(b) for b in self.more]
        if self.turn:
            out["turn"] = self.turn
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Source | None:
        if not isinstance(data, dict):
            return None
        return cls(
            file=data.get("file"), table=data.get("table"), row=data.get("row"),
            rows=int(data.get("rows") or 1), page=data.get("page"),
            bbox=list(data["bbox"]) if data.get("bbox") else None,
            more=[list(b) for b in data.get("more") or []], text=data.get("text"),
            turn=int(data.get("turn") or 0) % 360,
        )

    def regions(self) -> list[tuple[int, float, float, float, float]]:
        """Every (page, x0, top, x1, bottom) the task's rows cover, first page first."""
        out = []
        if self.page is not None and self.bbox and len(self.bbox) == 4:
            out.append((int(self.page), *map(float, self.bbox)))
        out += [(int(b[0]), *map(float, b[1:5])) for b in self.more if len(b) == 5]
        return out  # type: ignore[return-value]


@dataclass
class Task:
    """One row of a task table, or one numbered paragraph of a narrative plan."""

    code: str
    name: str | None = None
    detail: str | None = None
    result: str | None = None
    deadline: str | None = None
    due: Due = field(default_factory=Due)
    lead: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    # Not part of plan-json: set when the source around this row is damaged.
    uncertain: bool = False
    # Not part of plan-json: (deadline, result) of each sub-row when the task was printed
    # over several, each with its own deadline; they become `due.steps`.
    sub_deadlines: list[tuple[str, str | None]] = field(default_factory=list)
    # Where the task was read; written to plan-json as "source" (not scored) when known.
    source: Source | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "code": self.code,
            "name": self.name,
            "detail": self.detail,
            "result": self.result,
            "deadline": self.deadline,
            "due": self.due.to_json(),
            "lead": list(self.lead),
            "partners": list(self.partners),
        }
        if self.source is not None:
            out["source"] = self.source.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Task:
        return cls(
            code=str(data["code"]),
            name=data.get("name"),
            detail=data.get("detail"),
            result=data.get("result"),
            deadline=data.get("deadline"),
            due=Due.from_json(data.get("due")),
            lead=list(data.get("lead") or []),
            partners=list(data.get("partners") or []),
            source=Source.from_json(data.get("source")),
        )


@dataclass
class Section:
    """A section heading of the plan (a Roman numeral or a capital letter) and its title."""

    code: str
    title: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title}


@dataclass
class PlanMeta:
    """The decision's header: number, date, issuer, title, year, signer."""

    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    title: str | None = None
    year: int | None = None
    signer: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "date": self.date,
            "issuer": self.issuer,
            "title": self.title,
            "year": self.year,
            "signer": self.signer,
        }


@dataclass
class Plan:
    """A whole extracted plan, with the warnings met while reading it."""

    source: str
    meta: PlanMeta = field(default_factory=PlanMeta)
    targets: list[Target] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    # The section headings in document order; optional in plan-json, written when known.
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cell_fidelity: int = 2
    pages: int = 0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": PLAN_JSON_FORMAT,
            "source": self.source,
            "plan": self.meta.to_json(),
            "targets": [t.to_json() for t in self.targets],
        }
        if self.sections:
            out["sections"] = [s.to_json() for s in self.sections]
        out["tasks"] = [t.to_json() for t in self.tasks]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        meta = data.get("plan") or {}
        return cls(
            source=data.get("source", ""),
            meta=PlanMeta(**{k: meta.get(k) for k in PlanMeta.__dataclass_fields__}),
            targets=[
                Target(t.get("text", ""), t.get("value"), t.get("unit"))
                for t in data.get("targets", [])
            ],
            tasks=[Task.from_json(t) for t in data.get("tasks", [])],
            sections=[
                Section(str(s["code"]), s.get("title")) for s in data.get("sections") or []
            ],
        )
