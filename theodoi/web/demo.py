"""The demo: the four sample plans published, one user per role, a few months of reports;
and a second level: the Government's programme for NQ 57 (NQ 03/NQ-CP) with plans of the
corpus below it, their tasks linked to its tasks (proposed, some confirmed).

Loading is idempotent: a plan already loaded (same source) is kept, users are reset to
the printed passwords, and reports are added only when the demo has none yet.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import Count, Q
from django.utils import timezone

from theodoi.tracking import services
from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Agency,
    Assignment,
    Plan,
    ProgressReport,
    Role,
    UserProfile,
    today,
)

SEEDS = Path(__file__).resolve().parent.parent.parent / "tests" / "data" / "seeds"
CORPUS = SEEDS.parent / "corpus"
# 001 and 003 are two readings of the same decision: loaded merged.
GROUPS = (("000",), ("001", "003"), ("004",))
PASSWORD = "theodoi-demo-2025"  # noqa: S105 - printed for the demo, never a real account
REPORTER_AGENCIES = 3


@dataclass(frozen=True)
class Below:
    """A corpus plan below the national one, and the document its opening lines say it
    implements: their titles name other documents (the extractor reads titles only), so
    the demo records what the "Căn cứ / Thực hiện" lines say, as quoted."""

    folder: str
    kind: str
    number: str
    says: str


# The national level: NQ 03/NQ-CP, the Government's programme for NQ 57-NQ/TW (140 tasks),
# read from its hand-checked plan-json (tests/data/corpus/*/gold.json), so loading is quick.
NATIONAL = "nq-03-cp-2025-full"
# Below it, what the corpus holds that carries it. The ministry level is Bộ Văn hóa, Thể thao
# và Du lịch's letter 6225 handing out its share of NQ 71/NQ-CP (NQ 03's programme as updated)
# with a task appendix; no ministry's own Kế hoạch for NQ 03 was found in public repositories.
# The Prime Minister's Đề án 2597 is central too: Bộ Xây dựng leads its tasks.
BELOW = (
    Below("qd-ubnd-hcm-2820-2025", "Nghị quyết", "03/NQ-CP",
          "Căn cứ Nghị quyết số 03/NQ-CP ngày 09 tháng 01 năm 2025 của Chính phủ Ban hành "
          "chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW"),
    Below("kh-ubnd-dong-thap-552-2025", "Nghị quyết", "03/NQ-CP",
          "Căn cứ Nghị quyết số 57-NQ/TW ...; Nghị quyết số 71/NQ-CP ngày 01/4/2025 của "
          "Chính phủ (sửa đổi, bổ sung Chương trình hành động của Nghị quyết 03/NQ-CP)"),
    Below("qd-ttg-2597-2025", "Nghị quyết", "03/NQ-CP",
          "Căn cứ Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị; "
          "Đề án do Bộ Xây dựng chủ trì, thực hiện chương trình của Nghị quyết 03/NQ-CP"),
    Below("cv-bvhttdl-6225-2025", "Nghị quyết", "03/NQ-CP",
          "Thủ tướng Chính phủ đã ban hành Chỉ thị số 33/CT-TTg ngày 06/11/2025 về đẩy mạnh việc "
          "thực hiện đúng tiến độ, hiệu quả các nhiệm vụ được giao tại Nghị quyết số "
          "71/NQ-CP ngày 01/4/2025 của Chính phủ"),
)
# Proposals at least this alike are confirmed by the demo's coordinator (the best one per
# task); the others stay proposed, for the review page to show.
DEMO_CONFIRM_FROM = 0.3


@dataclass
class DemoResult:
    plans: list[Plan] = field(default_factory=list)
    cascade: list[Plan] = field(default_factory=list)  # the national plan, then those below
    links: int = 0  # links proposed between them
    duplicates: int = 0  # pairs of tasks proposed as the same work given twice
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, agency
    reports: int = 0


def seed_files(prefixes: tuple[str, ...], folder: Path = SEEDS) -> list[Path]:
    return [next(folder.glob(f"{p}_*.txt")) for p in prefixes]


def load(log: Callable[[str], Any] = print, groups: tuple[tuple[str, ...], ...] | None = None,
         folder: Path = SEEDS, registry: Any = None,
         below: tuple[Below, ...] | None = None) -> DemoResult:
    """Load everything the demo shows; `log` hears what is happening. `below=()` leaves the
    second level out."""
    registry = registry or services.default_registry()
    groups = GROUPS if groups is None else groups
    result = DemoResult()
    coordinator = _user("dieuphoi", "Điều phối viên", Role.COORDINATOR)
    leader = _user("lanhdao", "Lãnh đạo", Role.LEADER)
    result.users += [("dieuphoi", "coordinator", ""), ("lanhdao", "leader", "")]
    for prefixes in groups:
        result.plans.append(_load_plan(seed_files(prefixes, folder), coordinator, registry, log))
    for agency in _busiest_agencies(result.plans):
        username = f"bc-{agency.registry_id}"[:150]
        _user(username, "", Role.REPORTER, agency)
        result.users.append((username, "reporter", agency.name))
    if not ProgressReport.objects.filter(assignment__task__plan__in=result.plans).exists():
        result.reports = _add_reports(result, coordinator, log)
    below = BELOW if below is None else below
    if below:
        _load_cascade(result, below, coordinator, registry, log)
    del leader
    return result


def _load_corpus_plan(folder: str, user: Any, registry: Any, log: Callable[[str], Any]) -> Plan:
    """A corpus plan from its hand-checked plan-json, published (kept when already loaded)."""
    source = f"{folder}/gold.json"
    existing = Plan.objects.filter(source=source).first()
    if existing is not None:
        return existing
    import json

    plan_json = json.loads((CORPUS / folder / "gold.json").read_text(encoding="utf-8"))
    plan_json["source"] = source
    plan = services.publish_plan(services.import_plan(plan_json, user=user), user=user,
                                 registry=registry)
    log(f"  {plan.number or folder}: {plan.tasks.count()} nhiệm vụ")
    return plan


def _load_cascade(result: DemoResult, below: tuple[Below, ...], coordinator: Any,
                  registry: Any, log: Callable[[str], Any]) -> None:
    """The national plan and the plans below it, their links proposed; the best proposal of
    each task confirmed when alike enough, and a few reports on the confirmed tasks so
    that the national view has progress to roll up."""
    from theodoi.extract.references import number_key
    from theodoi.tracking.models import PlanReference, TaskLink
    from theodoi.tracking.services import links as link_services

    log("Cấp thứ hai: Nghị quyết 03/NQ-CP và các kế hoạch thực hiện...")
    national = _load_corpus_plan(NATIONAL, coordinator, registry, log)
    result.cascade.append(national)
    for item in below:
        plan = _load_corpus_plan(item.folder, coordinator, registry, log)
        result.cascade.append(plan)
        if not plan.references.filter(number=item.number).exists():
            PlanReference.objects.create(
                plan=plan, order=plan.references.count(), kind=item.kind, number=item.number,
                key=number_key(item.number), implements=True)
        if TaskLink.objects.filter(task__plan=plan).exists():
            continue
        result.links += link_services.propose_links(plan, user=coordinator)
        # Left proposed: the duplicates page shows them for the coordinator to decide.
        result.duplicates += link_services.propose_duplicates(plan, user=coordinator)
        best = {}
        for link in TaskLink.objects.filter(task__plan=plan, kind=TaskLink.Kind.IMPLEMENTS
                                            ).order_by("-score"):
            if link.score >= DEMO_CONFIRM_FROM and link.task_id not in best:
                best[link.task_id] = link
        for k, link in enumerate(best.values()):
            link_services.decide_link(link, user=coordinator, confirm=True)
            _report_child(link.task, coordinator, k)
    log(f"  {result.links} liên kết đề xuất; "
        f"{TaskLink.objects.filter(state='confirmed', kind='implements').count()} đã xác nhận; "
        f"{result.duplicates} cặp nhiệm vụ có thể trùng lặp")


def _report_child(task: Any, coordinator: Any, k: int) -> None:
    """Every other confirmed child gets a report, accepted: done, or partly done."""
    if k % 2:
        return
    assignment = next(iter(task.lead_assignments()), None)
    if assignment is None:
        return
    done = k % 4 == 0
    report = services.submit_report(
        assignment, coordinator, status=engine.REPORT_DONE if done else engine.REPORT_IN_PROGRESS,
        percent=100 if done else 50, text=TEXTS[engine.REPORT_DONE if done
                                                else engine.REPORT_IN_PROGRESS],
        period=None)
    if report.is_pending:
        services.review_report(report, coordinator, accept=True)


def _user(username: str, full_name: str, role: str, agency: Agency | None = None) -> Any:
    users = get_user_model()
    user, _ = users.objects.get_or_create(username=username)
    user.first_name = full_name[:150]
    user.set_password(PASSWORD)
    user.save()
    UserProfile.objects.update_or_create(user=user, defaults={"role": role, "agency": agency})
    return user


def _load_plan(paths: list[Path], user: Any, registry: Any, log: Callable[[str], Any]) -> Plan:
    from theodoi.extract.commands import extract_plan

    names = " + ".join(p.name for p in paths)
    existing = Plan.objects.filter(source=names).first()
    if existing is not None:
        log(f"Đã có {names}: {existing}")
        return existing
    log(f"Đọc {names} (tệp dài có thể mất vài phút)...")
    plan_doc = extract_plan([str(p) for p in paths], report=io.StringIO())
    plan_json = plan_doc.to_json()
    existing = Plan.objects.filter(source=plan_json.get("source", "")).first()
    if existing is not None:
        log(f"  đã có: {existing} ({existing.tasks.count()} nhiệm vụ)")
        return existing
    files = [ContentFile(p.read_bytes(), name=p.name) for p in paths]
    plan = services.import_plan(plan_json, files=files, user=user)
    plan = services.publish_plan(plan, user=user, registry=registry)
    assignments = Assignment.objects.filter(task__plan=plan, is_active=True)
    log(f"  ban hành: {len(plan_json['tasks'])} nhiệm vụ, {assignments.count()} lượt giao, "
        f"{assignments.filter(agency__isnull=True).count()} tên chưa có cơ quan")
    return plan


def _busiest_agencies(plans: list[Plan]) -> list[Agency]:
    """The agencies leading the most tasks, one of them a province when there is one."""
    qs = Agency.objects.annotate(n=Count(
        "assignments", filter=Q(assignments__task__plan__in=plans, assignments__is_active=True,
                                assignments__role=Assignment.LEAD)))
    qs = qs.filter(n__gt=0).order_by("-n", "name")
    chosen = list(qs[:REPORTER_AGENCIES])
    province = qs.filter(kind="province").first()
    if province is not None and province not in chosen:
        chosen[-1:] = [province]
    return chosen


@contextlib.contextmanager
def _on(day: date) -> Iterator[None]:
    """Write as if on `day` (with time-machine when installed, else today), so the demo has
    a few months of history for its charts and `?as_of=`."""
    try:
        import time_machine
    except ImportError:
        yield
        return
    moment = timezone.make_aware(datetime.combine(day, time(9, 30)))
    with time_machine.travel(moment, tick=True):
        yield


TEXTS = {
    engine.REPORT_IN_PROGRESS: "Đã xây dựng dự thảo, đang lấy ý kiến các đơn vị liên quan.",
    engine.REPORT_DONE: "Đã hoàn thành; văn bản đã được ban hành và gửi các đơn vị.",
}


SCENARIOS = ("on_time", "progress", "late", "returned", "pending", "on_time", "progress",
             "on_time")


def _demo_assignments(agency: Agency, plans: list[Plan]) -> list[Assignment]:
    """The agency's assignments to report on: tasks it leads alone first, so that a report
    accepted as done closes the task."""
    rows = (
        Assignment.objects.active()
        .filter(agency=agency, task__plan__in=plans)
        .annotate(leads=Count("task__assignments", filter=Q(
            task__assignments__role=Assignment.LEAD, task__assignments__is_active=True)))
        .select_related("task", "task__plan")
    )
    ordered = sorted(rows, key=lambda a: (
        not (a.role == Assignment.LEAD and a.leads == 1), a.task.plan_id, a.task.order))
    return ordered[: len(SCENARIOS)]


def _report_day(assignment: Assignment, scenario: str) -> date:
    """When the demo's report is written: around the task's due date, never in the future."""
    task = assignment.task
    due = task.effective_due() or task.plan.reference_date() + timedelta(days=90)
    offset = {"on_time": -10, "late": 12, "progress": -30, "returned": -5}.get(scenario)
    day = today() - timedelta(days=3) if offset is None else due + timedelta(days=offset)
    return max(task.plan.reference_date(), min(day, today()))


def _add_reports(result: DemoResult, coordinator: Any, log: Callable[[str], Any]) -> int:
    """A few reports per demo reporter, written around each task's due date: done on time,
    done late, in progress, one returned with a reason and one left pending."""
    users = get_user_model()
    count = 0
    for username, role, _agency in result.users:
        if role != "reporter":
            continue
        user = users.objects.get(username=username)
        for i, (assignment, scenario) in enumerate(
            zip(_demo_assignments(user.profile.agency, result.plans), SCENARIOS, strict=False)
        ):
            done = scenario in ("on_time", "late", "returned", "pending")
            day = _report_day(assignment, scenario)
            with _on(day):
                report = services.submit_report(
                    assignment, user,
                    status=engine.REPORT_DONE if done else engine.REPORT_IN_PROGRESS,
                    percent=100 if done else 40 + 10 * (i % 4),
                    text=TEXTS[engine.REPORT_DONE if done else engine.REPORT_IN_PROGRESS],
                    links=["https://example.gov.vn/van-ban/demo"] if done else [],
                    files=[ContentFile("Báo cáo minh chứng (demo)\n".encode(),
                                       name="minh-chung.txt")] if i == 0 else [],
                )
            count += 1
            if scenario == "pending":
                continue
            with _on(min(day + timedelta(days=4), today())):
                services.review_report(
                    report, coordinator, accept=scenario != "returned",
                    reason="Thiếu minh chứng: đề nghị gửi kèm văn bản đã ban hành."
                    if scenario == "returned" else "")
        count += _report_targets(user, result.plans, coordinator)
    log(f"Thêm {count} báo cáo mẫu.")
    return count


def _report_targets(user: Any, plans: list[Plan], coordinator: Any) -> int:
    """The reporter's values for a few targets of the plans it has tasks in, accepted."""
    written = 0
    for plan in plans:
        assignment = Assignment.objects.active().filter(
            agency=user.profile.agency, task__plan=plan).select_related("task").first()
        targets = [t for t in plan.targets.all() if t.goal]
        if assignment is None or not targets:
            continue
        for k, target in enumerate(targets[:3]):
            share = Decimal("0.3") + Decimal("0.1") * k
            value = (share * 100 if target.is_percentage else target.goal * share / 3)
            with _on(today() - timedelta(days=20 - 5 * k)):
                report = services.submit_report(
                    assignment, user, status=engine.REPORT_IN_PROGRESS, percent=50,
                    text="Số liệu chỉ tiêu đến cuối kỳ.", target=target,
                    target_value=value.quantize(Decimal(1)),
                    period=None if assignment.task.deadline_rule().period is None
                    else assignment.current_period(),
                )
                services.review_report(report, coordinator, accept=True)
            written += 1
    return written


def credentials_text(result: DemoResult) -> str:
    """The demo accounts, to print."""
    labels = {"coordinator": "điều phối (mọi quyền)", "leader": "lãnh đạo (chỉ xem)",
              "reporter": "báo cáo viên"}
    lines = [f"Tài khoản demo (mật khẩu chung: {PASSWORD}):"]
    for username, role, agency in result.users:
        lines.append(f"  {username:<34} {labels[role]}{' — ' + agency if agency else ''}")
    return "\n".join(lines)
