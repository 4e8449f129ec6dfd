"""Shared fixtures for the Django side: one user per role, two agencies, a small registry.

Test packages that need them import the fixtures into their own conftest.py:

    from tests.conftest_django import *  # noqa: F403
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from tests.conftest import gold_plan

__all__ = [
    "AGENCY_A",
    "AGENCY_B",
    "FakeEntity",
    "FakeRegistry",
    "agency_a",
    "agency_b",
    "coordinator",
    "fake_registry",
    "fast_passwords",
    "leader",
    "make_user",
    "media_root",
    "outsider",
    "published_plan",
    "reporter_a",
    "reporter_b",
    "small_plan_json",
]


@dataclass(frozen=True)
class FakeEntity:
    id: str
    name: str
    kind: str = "ministry"


@dataclass(frozen=True)
class FakeResolution:
    entity: FakeEntity
    is_group: bool = False
    successors_on: tuple[FakeEntity, ...] = ()


class FakeRegistry:
    """A registry small enough to read: names, groups and successions, as the real one answers.

    `successions` maps an entity id to (date, successor): from that date on, the successor
    answers for it.
    """

    def __init__(
        self,
        names: dict[str, FakeEntity],
        groups: dict[str, list[FakeEntity]] | None = None,
        successions: dict[str, tuple[date, FakeEntity]] | None = None,
    ):
        self.names = names
        self.groups = groups or {}
        self.successions = successions or {}
        self.calls: list[tuple[str, Any, date | None]] = []

    def resolve(
        self, name: str, on: date | None = None, context: str | None = None
    ) -> FakeResolution | None:
        self.calls.append(("resolve", name, on))
        entity = self.names.get(name)
        return None if entity is None else FakeResolution(entity, entity.id in self.groups)

    def expand(self, entity_or_id: Any, on: date | None = None) -> list[FakeEntity]:
        if isinstance(entity_or_id, FakeResolution):
            entity_or_id = entity_or_id.entity
        self.calls.append(("expand", getattr(entity_or_id, "id", entity_or_id), on))
        entity = entity_or_id if isinstance(entity_or_id, FakeEntity) else self._by_id(entity_or_id)
        if entity.kind == "enterprises":
            return []
        members = self.groups.get(entity.id, [entity])
        return [self._current(m, on) for m in members]

    def _by_id(self, entity_id: str) -> FakeEntity:
        for entity in self._all():
            if entity.id == entity_id:
                return entity
        raise KeyError(entity_id)

    def _all(self) -> Iterable[FakeEntity]:
        yield from self.names.values()
        for members in self.groups.values():
            yield from members
        for _, successor in self.successions.values():
            yield successor

    def _current(self, entity: FakeEntity, on: date | None) -> FakeEntity:
        while entity.id in self.successions:
            since, successor = self.successions[entity.id]
            if on is not None and on < since:
                break
            entity = successor
        return entity


AGENCY_A = FakeEntity("bo-a", "Bộ A")
AGENCY_B = FakeEntity("tinh-b", "Ủy ban nhân dân tỉnh B", "province")
OLD_MINISTRY = FakeEntity("bo-cu", "Bộ Cũ")
GROUP = FakeEntity("nhom-bo-nganh-dia-phuong", "Các bộ, ngành, địa phương", "group")
ENTERPRISES = FakeEntity("nhom-dn-cns", "Các doanh nghiệp công nghệ số", "enterprises")


@pytest.fixture
def fake_registry() -> FakeRegistry:
    """Bộ A, Tỉnh B, the group of both, and Bộ Cũ which merged into Bộ A on 1 March 2025."""
    return FakeRegistry(
        names={
            "Bộ A": AGENCY_A,
            "UBND tỉnh B": AGENCY_B,
            "Ủy ban nhân dân tỉnh B": AGENCY_B,
            "Bộ Cũ": OLD_MINISTRY,
            "Các bộ, ngành, địa phương": GROUP,
            "Các doanh nghiệp công nghệ số": ENTERPRISES,
        },
        groups={GROUP.id: [AGENCY_A, AGENCY_B, OLD_MINISTRY]},
        successions={OLD_MINISTRY.id: (date(2025, 3, 1), AGENCY_A)},
    )


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Hash test passwords cheaply: the real hasher costs a second per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_user(username: str, role: str | None = None, agency: Any = None) -> Any:
    """A user with `role` (and the agency a reporter reports for)."""
    from django.contrib.auth import get_user_model

    from theodoi.tracking.models import UserProfile

    user = get_user_model().objects.create_user(username, password="pw-for-tests")  # noqa: S106
    if role is not None:
        UserProfile.objects.create(user=user, role=role, agency=agency)
    return user


@pytest.fixture
def agency_a(db: Any) -> Any:
    from theodoi.tracking.models import Agency

    return Agency.objects.get_or_create(
        registry_id=AGENCY_A.id, defaults={"name": AGENCY_A.name, "kind": AGENCY_A.kind}
    )[0]


@pytest.fixture
def agency_b(db: Any) -> Any:
    from theodoi.tracking.models import Agency

    return Agency.objects.get_or_create(
        registry_id=AGENCY_B.id, defaults={"name": AGENCY_B.name, "kind": AGENCY_B.kind}
    )[0]


@pytest.fixture
def coordinator(db: Any) -> Any:
    return make_user("coordinator", "coordinator")


@pytest.fixture
def reporter_a(agency_a: Any) -> Any:
    return make_user("reporter-a", "reporter", agency_a)


@pytest.fixture
def reporter_b(agency_b: Any) -> Any:
    return make_user("reporter-b", "reporter", agency_b)


@pytest.fixture
def leader(db: Any) -> Any:
    return make_user("leader", "leader")


@pytest.fixture
def outsider(db: Any) -> Any:
    """A signed-up user with no role at all."""
    return make_user("outsider")


SMALL_PLAN = {
    "format": "plan-json/1",
    "source": "small.txt",
    "plan": {
        "number": "1/QĐ-TEST",
        "date": "2024-04-19",
        "issuer": "Ủy ban Quốc gia về chuyển đổi số",
        "title": "Kế hoạch thử nghiệm năm 2024",
        "year": 2024,
        "signer": "Nguyễn Văn A",
    },
    "targets": [
        {"text": "Phát triển 100 doanh nghiệp công nghệ số.", "value": 100,
         "unit": "doanh nghiệp"},
        {"text": "60% dịch vụ công trực tuyến toàn trình.", "value": 60, "unit": "%"},
    ],
    "tasks": [
        {"code": "I.1", "name": "Tổ chức các phiên họp", "detail": None,
         "result": "Các phiên họp được tổ chức", "deadline": "Hàng tháng",
         "due": {"kind": "recurring", "every": "month"},
         "lead": ["Bộ A"], "partners": ["UBND tỉnh B"]},
        {"code": "I.2", "name": "Xây dựng kế hoạch kiểm tra, giám sát chuyển đổi số",
         "detail": None, "result": "Kế hoạch được ban hành",
         "deadline": "Trước ngày 30 tháng 4", "due": {"kind": "date", "on": "2024-04-30"},
         "lead": ["Các bộ, ngành, địa phương"], "partners": []},
        {"code": "II.1", "name": "Thúc đẩy doanh nghiệp công nghệ số", "detail": None,
         "result": None, "deadline": "Thường xuyên", "due": {"kind": "ongoing"},
         "lead": ["Bộ Cũ"], "partners": ["Các bộ, ngành, địa phương"]},
        {"code": "II.2", "name": "Ban hành Nghị định về cơ chế thử nghiệm", "detail": None,
         "result": "Nghị định được ban hành", "deadline": "Theo Kế hoạch được duyệt",
         "due": {"kind": "per_plan"}, "lead": ["Bộ A"],
         "partners": ["Hiệp hội Không Có", "Các doanh nghiệp công nghệ số"]},
        {"code": "III.A.1", "name": "Đánh giá chỉ số chuyển đổi số", "detail": None,
         "result": "Báo cáo đánh giá", "deadline": "Quý II",
         "due": {"kind": "quarter", "on": "2024-06-30"},
         "lead": ["UBND tỉnh B"], "partners": ["Bộ A"]},
    ],
}


@pytest.fixture
def small_plan_json() -> dict[str, Any]:
    """A five-task plan touching every kind of name: agency, group, merged, unknown."""
    return copy.deepcopy(SMALL_PLAN)


@pytest.fixture
def published_plan(coordinator: Any, small_plan_json: Any, fake_registry: Any) -> Any:
    """The small plan imported and published on 1 May 2024."""
    from theodoi.tracking.services import import_plan, publish_plan

    plan = import_plan(small_plan_json, user=coordinator)
    return publish_plan(plan, user=coordinator, on=date(2024, 5, 1), registry=fake_registry)


def gold(prefix: str) -> dict[str, Any]:
    """A sample plan's hand-checked plan-json, to import as a fixture."""
    return gold_plan(prefix)
