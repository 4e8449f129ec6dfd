"""`theodoi demo-web`: sample plans published, a user per role, a few reports; `serve`."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import authenticate

from theodoi import cli
from theodoi.tracking.models import Plan, ProgressReport, Role, TargetValue
from theodoi.web import demo

FAST = (("003",), ("004",))  # the two samples that read in a second


@pytest.fixture
def real_registry(settings: Any) -> Any:
    from theodoi.tracking.services import default_registry

    return default_registry()


def test_the_demo_publishes_plans_creates_users_and_reports(db: Any, real_registry: Any) -> None:
    lines: list[str] = []
    result = demo.load(log=lines.append, groups=FAST, registry=real_registry, below=())
    assert [p.status for p in result.plans] == ["published", "published"]
    roles = [role for _u, role, _a in result.users]
    assert roles[:2] == ["coordinator", "leader"]
    assert roles.count("reporter") == demo.REPORTER_AGENCIES
    for username, role, _agency in result.users:
        user = authenticate(username=username, password=demo.PASSWORD)
        assert user is not None
        assert user.profile.role == role
    assert result.reports > 0
    reports = ProgressReport.objects.all()
    assert {r.review_state for r in reports} == {"accepted", "returned", "pending"}
    assert reports.filter(files__isnull=False).exists()
    assert TargetValue.objects.exists()
    text = demo.credentials_text(result)
    assert demo.PASSWORD in text and "dieuphoi" in text


def test_the_demo_loads_a_second_level_with_links_proposed_and_confirmed(
        db: Any, real_registry: Any) -> None:
    from theodoi.tracking.models import TaskLink
    from theodoi.tracking.services.links import carried_by, rollup

    lines: list[str] = []
    result = demo.load(log=lines.append, groups=(), registry=real_registry)
    national, *below = result.cascade
    assert national.number == "03/NQ-CP" and len(below) == len(demo.BELOW)
    assert all(p.status == "published" for p in result.cascade)
    links = TaskLink.objects.filter(kind="implements")
    assert result.links == links.count() > 0
    assert {link.parent.plan_id for link in links} == {national.pk}
    confirmed = links.filter(state="confirmed")
    assert 0 < confirmed.count() < links.count()  # some confirmed, the rest to review
    assert {link.task.plan_id for link in confirmed} == {p.pk for p in below}
    assert confirmed.first().decided_by.username == "dieuphoi"
    parent = max({link.parent for link in confirmed}, key=lambda t: len(carried_by(t)))
    carried = carried_by(parent)
    for c in carried:
        c.task.state_status, c.task.state_percent = c.task.status, c.task.percent
    assert rollup(carried, real_registry).count == len(carried)
    assert ProgressReport.objects.filter(assignment__task__plan__in=below).exists()
    # Hồ Chí Minh City's two planning databases (III.1, III.2), left for the coordinator.
    assert TaskLink.objects.filter(kind="duplicate", state="proposed").count() == (
        result.duplicates) >= 1
    total = TaskLink.objects.count()
    again = demo.load(log=lines.append, groups=(), registry=real_registry)
    assert (again.links, again.duplicates, TaskLink.objects.count()) == (0, 0, total)


def test_the_demo_loads_twice_without_duplicates(db: Any, real_registry: Any) -> None:
    demo.load(log=lambda _line: None, groups=FAST, registry=real_registry, below=())
    plans, reports = Plan.objects.count(), ProgressReport.objects.count()
    demo.load(log=lambda _line: None, groups=FAST, registry=real_registry, below=())
    assert (Plan.objects.count(), ProgressReport.objects.count()) == (plans, reports)


def test_the_demo_web_command_loads_and_prints_credentials(
        transactional_db: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(demo, "GROUPS", FAST)
    monkeypatch.setattr(demo, "BELOW", ())  # the second level has its own test
    assert cli.main(["demo-web", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert "Tài khoản demo" in out
    assert "dieuphoi" in out
    assert Plan.objects.filter(status="published").count() == 2
    coordinator = Plan.objects.first().published_by
    assert coordinator.profile.role == Role.COORDINATOR


def test_serve_reports_a_port_in_use(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    import socket

    from theodoi.web import commands

    monkeypatch.setattr(commands, "migrate", lambda: None)
    monkeypatch.setattr(commands, "wsgi_app", lambda: (lambda environ, start: []))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["serve", "--port", str(port)]) == 2
    assert "không mở được cổng" in capsys.readouterr().err
