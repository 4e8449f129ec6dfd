"""`theodoi agencies ...`: resolve a printed name, expand a group, check a plan's names."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from theodoi.registry.model import (
    KIND_LABELS,
    LINEAGE_LABELS,
    RULE_LABELS,
    Entity,
    LineageEvent,
    Resolution,
)
from theodoi.registry.registry import Registry, load_registry, today


def _user_error(message: str) -> Exception:
    from theodoi.cli import UserError

    return UserError(message)


def parse_date(text: str) -> date:
    """A date written 2026-01-01 or 01/01/2026."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"ngày không hợp lệ: {text!r} (viết 2026-01-01 hoặc 01/01/2026)"
    )


def vn_date(value: date | None) -> str:
    """A date as Vietnamese documents print it (30/06/2025)."""
    return value.strftime("%d/%m/%Y") if value else ""


# -- text output ------------------------------------------------------------------------


def describe_entity(reg: Registry, entity: Entity, on: date | None = None) -> str:
    """One line: name [id], kind, and its time of existence when bounded."""
    current = reg.kind_on(entity, on) if on else entity.kind
    kind = KIND_LABELS.get(current, current)
    parent = reg.parent_on(entity, on) if on else entity.parent
    if current in ("unit", "province_unit") and parent:
        kind = f"đơn vị của {reg.get(parent).name}"
    elif current == "commune" and parent:
        kind = f"{kind} của {reg.get(parent).name}"
    if entity.added_by:
        kind = f"{kind}; do {entity.added_by} bổ sung: {entity.reason}"
    if entity.group:
        kind = f"{kind}: {RULE_LABELS.get(entity.group.rule, entity.group.rule)}"
    bounds = [f"từ {vn_date(entity.valid_from)}"] if entity.valid_from else []
    bounds += [f"đến {vn_date(entity.valid_to)}"] if entity.valid_to else []
    span = f", {' '.join(bounds)}" if bounds else ""
    return f"{entity.name} [{entity.id}] ({kind}{span})"


def describe_event(reg: Registry, event: LineageEvent) -> str:
    """One line per lineage change, with its legal basis."""
    source = reg.get(event.from_id).name
    target = reg.get(event.to_id).name
    note = f"; {event.note}" if event.note else ""
    label = LINEAGE_LABELS.get(event.kind, event.kind)
    return f"{vn_date(event.date)}: {source} {label} {target} — {event.legal_basis}{note}"


def resolution_lines(reg: Registry, found: Resolution) -> list[str]:
    """The text report of one resolution."""
    on = found.on
    lines = [f"Tên in: {found.printed}", f"Là: {describe_entity(reg, found.entity)}"]
    if found.matched_alias and found.matched_alias != found.printed:
        lines.append(f"Khớp với tên: {found.matched_alias}")
    if found.context:
        lines.append(f"Đọc trong: {reg.get(found.context).name}")
    for part in found.parts:
        lines.append(f"  - {describe_entity(reg, part.entity)}")
    if found.entity.note:
        lines.append(f"Ghi chú: {found.entity.note}")
    lines.append(f"Trả lời ngày {vn_date(on)}:")
    if found.successors_on:
        lines.extend(f"  - {describe_entity(reg, e, on)}" for e in found.successors_on)
    elif found.entity.kind == "enterprise_group" or (
        found.entity.group and found.entity.group.rule in ("outside_state", "unspecified")
    ):
        lines.append("  (ghi nhận, không giao cho cơ quan nào)")
    elif found.entity.group and found.entity.group.rule == "selected":
        lines.append("  (điều phối viên chưa chọn thành viên)")
    else:
        lines.append("  (chưa tồn tại vào ngày này)")
    if found.lineage:
        lines.append("Diễn biến:")
        lines.extend(f"  {describe_event(reg, e)}" for e in found.lineage)
    return lines


# -- JSON output ----------------------------------------------------------------------------


def entity_json(entity: Entity) -> dict[str, Any]:
    """An entity as JSON (with who added it and why, for a unit added at run time)."""
    out: dict[str, Any] = {
        "id": entity.id,
        "name": entity.name,
        "kind": entity.kind,
        "parent": entity.parent,
        "valid_from": entity.valid_from.isoformat() if entity.valid_from else None,
        "valid_to": entity.valid_to.isoformat() if entity.valid_to else None,
        "rule": entity.group.rule if entity.group else None,
    }
    if entity.added_by:
        out |= {"added_by": entity.added_by, "reason": entity.reason,
                "source_text": entity.source_text}
    return out


def event_json(event: LineageEvent) -> dict[str, Any]:
    """A lineage event as JSON."""
    return {
        "kind": event.kind,
        "date": event.date.isoformat(),
        "from_id": event.from_id,
        "to_id": event.to_id,
        "legal_basis": event.legal_basis,
        "note": event.note,
    }


def resolution_json(found: Resolution) -> dict[str, Any]:
    """A resolution as JSON."""
    return {
        "printed": found.printed,
        "entity": entity_json(found.entity),
        "matched_alias": found.matched_alias,
        "is_group": found.is_group,
        "context": found.context,
        "on": found.on.isoformat(),
        "successors_on": [entity_json(e) for e in found.successors_on],
        "lineage": [event_json(e) for e in found.lineage],
        "parts": [resolution_json(p) for p in found.parts],
    }


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


# -- commands -------------------------------------------------------------------------------


def _context(reg: Registry, name: str | None, on: date) -> str | None:
    if not name:
        return None
    found = reg.resolve(name, on=on)
    if found is None or found.entity.is_group:
        raise _user_error(f"không nhận ra cơ quan ban hành: {name!r}")
    return found.entity.id


def cmd_resolve(args: argparse.Namespace) -> int:
    """Print what a printed name stands for and who answers for it on --on."""
    reg = load_registry()
    on = args.on or today()
    found = reg.resolve(args.name, on=on, context=_context(reg, args.context, on))
    if found is None:
        if args.json:
            _print_json({"printed": args.name, "entity": None, "on": on.isoformat()})
        else:
            print(f"Không nhận ra cơ quan hay nhóm nào: {args.name!r}")
        return 1
    if args.json:
        _print_json(resolution_json(found))
    else:
        print("\n".join(resolution_lines(reg, found)))
    return 0


def cmd_expand(args: argparse.Namespace) -> int:
    """Print the members of a group (or the successor of an agency) on --on."""
    reg = load_registry()
    on = args.on or today()
    context = _context(reg, args.context, on)
    try:
        found: Resolution | None = reg.describe(
            Resolution(args.name, reg.get(args.name), args.name, on, context=context), on
        )
    except KeyError:
        found = reg.resolve(args.name, on=on, context=context)
    if found is None:
        raise _user_error(f"không nhận ra nhóm hay cơ quan: {args.name!r}")
    members = found.successors_on
    if args.json:
        _print_json({"group": entity_json(found.entity), "on": on.isoformat(),
                     "context": found.context, "members": [entity_json(e) for e in members]})
        return 0
    print(describe_entity(reg, found.entity))
    if found.entity.group and found.entity.group.unit_label:
        print(f"Mỗi cơ quan trả lời qua {found.entity.group.unit_label} của mình.")
    print(f"Ngày {vn_date(on)}: {len(members)} thành viên")
    for number, entity in enumerate(members, 1):
        print(f"{number:>3}. {describe_entity(reg, entity, on)}")
    return 0


def _read_plan(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _user_error(f"không đọc được tệp {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise _user_error(f"{path} không phải JSON hợp lệ (dòng {exc.lineno})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), list):
        raise _user_error(f"{path} không phải plan-json (thiếu danh sách tasks)")
    return data


def plan_names(data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each distinct lead or partner string of a plan, with the task codes that print it."""
    seen: dict[str, list[str]] = {}
    for task in data["tasks"]:
        for name in [*(task.get("lead") or []), *(task.get("partners") or [])]:
            codes = seen.setdefault(str(name), [])
            if str(task.get("code")) not in codes:
                codes.append(str(task.get("code")))
    return list(seen.items())


def check_plan(reg: Registry, data: dict[str, Any], on: date
               ) -> tuple[str | None, list[tuple[str, list[str], Resolution | None]]]:
    """The plan's issuer id (context) and every distinct name with its resolution."""
    issuer = (data.get("plan") or {}).get("issuer")
    found_issuer = reg.resolve(issuer, on=on) if issuer else None
    context = found_issuer.entity.id if found_issuer and not found_issuer.is_group else None
    return context, [(name, codes, reg.resolve(name, on=on, context=context))
                     for name, codes in plan_names(data)]


def cmd_check(args: argparse.Namespace) -> int:
    """Print every lead and partner string of a plan-json file with what it resolved to."""
    reg = load_registry()
    on = args.on or today()
    context, rows = check_plan(reg, _read_plan(args.plan), on)
    unresolved = [name for name, _, found in rows if found is None]
    if args.json:
        _print_json({
            "plan": str(args.plan), "on": on.isoformat(), "context": context,
            "names": [{"printed": name, "tasks": codes,
                       "resolution": resolution_json(found) if found else None}
                      for name, codes, found in rows],
            "unresolved": unresolved,
        })
        return 1 if unresolved else 0
    if context:
        print(f"Cơ quan ban hành: {reg.get(context).name} [{context}]")
    print(f"Ngày xét: {vn_date(on)}")
    for name, codes, found in rows:
        tasks = ", ".join(codes)
        if found is None:
            print(f"✗ {name}  (nhiệm vụ {tasks})\n    KHÔNG NHẬN RA")
            continue
        print(f"✓ {name}  (nhiệm vụ {tasks})\n    là {describe_entity(reg, found.entity)}")
        answer = "; ".join(f"{e.name} [{e.id}]" for e in found.successors_on) or "—"
        print(f"    trả lời ngày {vn_date(on)}: {answer}")
    print(f"{len(rows)} tên, {len(rows) - len(unresolved)} nhận ra, "
          f"{len(unresolved)} không nhận ra")
    for name in unresolved:
        print(f"  chưa nhận ra: {name}")
    return 1 if unresolved else 0


def register(subparsers: Any) -> None:
    """Add `theodoi agencies resolve|expand|check`."""
    parser = subparsers.add_parser(
        "agencies", help="danh mục cơ quan: tra tên, mở nhóm, kiểm tra kế hoạch",
        description="Danh mục cơ quan, nhóm cơ quan và diễn biến sắp xếp bộ máy.",
    )
    commands = parser.add_subparsers(dest="agencies_command", metavar="LỆNH")
    commands.required = True

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--on", type=parse_date, default=None,
                         help="ngày xét (mặc định: hôm nay), ví dụ 2026-01-01")
        sub.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    resolve = commands.add_parser("resolve", help="tên in trong kế hoạch là cơ quan nào")
    resolve.add_argument("name", help='tên như in, ví dụ "Bộ TT&TT"')
    resolve.add_argument("--context", help="cơ quan ban hành kế hoạch (mặc định: bộ phụ "
                         "trách chuyển đổi số)")
    common(resolve)
    resolve.set_defaults(handler=cmd_resolve)

    expand = commands.add_parser("expand", help="các cơ quan thuộc một nhóm vào một ngày")
    expand.add_argument("name", help='tên hoặc mã nhóm, ví dụ "Các bộ, ngành, địa phương"')
    expand.add_argument("--context", help="cơ quan ban hành (cho các đơn vị thuộc Bộ)")
    common(expand)
    expand.set_defaults(handler=cmd_expand)

    check = commands.add_parser("check", help="kiểm tra mọi tên chủ trì, phối hợp của "
                                "một tệp plan-json")
    check.add_argument("plan", type=Path, help="tệp plan-json")
    common(check)
    check.set_defaults(handler=cmd_check)
