"""Merging several readings of the same plan (a PDF and a DOCX of one decision, say).

Tasks are aligned by name first and code second, because a damaged source may number
rows wrongly; the plan with the most tasks gives the order and the codes. For each cell
the most faithful reading wins (the source that saw cells directly over one that rebuilt
them from lines, and any source over a damaged one); every disagreement is reported with
both readings.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from theodoi.extract.model import Plan, PlanMeta, Task
from theodoi.extract.text import clean_cell

_TEXT_FIELDS = ("name", "detail", "result", "deadline")


@dataclass
class Disagreement:
    """Two sources read one cell differently."""

    code: str
    field: str
    kept: object
    kept_source: str
    other: object
    other_source: str

    def __str__(self) -> str:
        return (
            f"{self.code} {self.field}: giữ “{self.kept}” ({self.kept_source}); "
            f"bản kia đọc “{self.other}” ({self.other_source})"
        )


def _key(text: str | None) -> str:
    """A cell's text for comparison: "…" and "..." are one reading, as are case and spaces."""
    return (clean_cell(text) or "").replace("…", "...").lower().rstrip(" .;:,")


def _similarity(a: str | None, b: str | None) -> float:
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return 0.0
    return SequenceMatcher(None, ka[:200], kb[:200]).ratio()


def _align(base: Plan, other: Plan) -> dict[int, Task]:
    """For each task index of `base`, the matching task of `other` (by name, then code)."""
    matches: dict[int, Task] = {}
    used: set[int] = set()
    by_code = {t.code: i for i, t in enumerate(other.tasks)}
    for index, task in enumerate(base.tasks):
        candidate = by_code.get(task.code)
        if (
            candidate is not None
            and candidate not in used
            and _similarity(task.name, other.tasks[candidate].name) >= 0.6
        ):
            matches[index] = other.tasks[candidate]
            used.add(candidate)
    for index, task in enumerate(base.tasks):
        if index in matches:
            continue
        best, best_score = None, 0.0
        for j, candidate in enumerate(other.tasks):
            if j in used:
                continue
            score = _similarity(task.name, candidate.name)
            if score > best_score:
                best, best_score = j, score
        if best is not None and best_score >= 0.85:
            matches[index] = other.tasks[best]
            used.add(best)
    return matches


def _rank(plan: Plan, task: Task) -> tuple[int, int]:
    return (0 if task.uncertain else 1, plan.cell_fidelity)


def merge_plans(plans: list[Plan]) -> tuple[Plan, list[Disagreement]]:
    """One plan from several readings of it, and the cells they disagreed on."""
    if len(plans) == 1:
        return plans[0], []
    ordered = sorted(plans, key=lambda p: (len(p.tasks), p.cell_fidelity), reverse=True)
    base = ordered[0]
    merged = Plan(
        source=" + ".join(p.source for p in plans),
        meta=_merge_meta([p.meta for p in sorted(plans, key=lambda p: -p.cell_fidelity)]),
        targets=max((p.targets for p in plans), key=len),
        tasks=[Task.from_json(t.to_json()) for t in base.tasks],
        sections=max((p.sections for p in plans), key=len),
        warnings=[w for p in plans for w in p.warnings],
        cell_fidelity=max(p.cell_fidelity for p in plans),
        pages=sum(p.pages for p in plans),
    )
    for task, original in zip(merged.tasks, base.tasks, strict=True):
        task.uncertain = original.uncertain
    disagreements: list[Disagreement] = []
    for other in ordered[1:]:
        for index, theirs in _align(base, other).items():
            ours = merged.tasks[index]
            ours_better = _rank(base, base.tasks[index]) >= _rank(other, theirs)
            disagreements.extend(_merge_task(ours, theirs, ours_better, base, other))
    return merged, disagreements


def _merge_task(
    ours: Task, theirs: Task, ours_better: bool, base: Plan, other: Plan
) -> list[Disagreement]:
    found: list[Disagreement] = []
    for name in (*_TEXT_FIELDS, "lead", "partners", "due"):
        mine, their_value = getattr(ours, name), getattr(theirs, name)
        if _same(name, mine, their_value):
            continue
        take_theirs = (not ours_better and _filled(their_value)) or not _filled(mine)
        if take_theirs:
            setattr(ours, name, their_value)
            kept, kept_src, lost, lost_src = their_value, other.source, mine, base.source
        else:
            kept, kept_src, lost, lost_src = mine, base.source, their_value, other.source
        if _filled(lost) and name != "due":
            found.append(
                Disagreement(ours.code, name, _show(kept), kept_src, _show(lost), lost_src)
            )
    if not ours_better:
        ours.uncertain = theirs.uncertain
    return found


def _filled(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, list):
        return bool(value)
    if hasattr(value, "kind"):
        return value.kind != "none"  # type: ignore[attr-defined]
    return bool(str(value).strip())


def _same(name: str, a: object, b: object) -> bool:
    if name in ("lead", "partners"):
        return sorted(_key(x) for x in a) == sorted(_key(x) for x in b)  # type: ignore[union-attr]
    if name == "due":
        return a.to_json() == b.to_json()  # type: ignore[union-attr]
    return _key(a) == _key(b)  # type: ignore[arg-type]


def _show(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _merge_meta(metas: list[PlanMeta]) -> PlanMeta:
    """Each header field from the first reading that has it."""
    merged = PlanMeta()
    for name in PlanMeta.__dataclass_fields__:
        for meta in metas:
            value = getattr(meta, name)
            if value not in (None, ""):
                setattr(merged, name, value)
                break
    return merged
