"""A deterministic synthetic country for `python -m bench.scale generate`, loaded with COPY.

Agencies are the registry's own (ministries, government agencies, their units, the
provinces of each year and their departments); the registry holds no communes, so none are
made. Plans are shaped like the samples in tests/data/gold: their task rows (names, cells,
deadlines of every kind, heading rows with sub-rows) are drawn from them and moved to the
plan's year; leads and partners are printed names, resolved by the same resolver the real
publish uses (`theodoi.tracking.services.assignments._Resolver`) and turned into rows by
the same rules (a group lead: one part per member with `group_name`; a group of partners:
one row flagged "group" without an agency; named partners; unknown names: rows without an
agency). Reports are append-only series over the years since each plan, with reviews
(pending, accepted, returned) on leads' reports and "not_required" on partners'
contributions.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold"
TZ = "+07"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# What the issue measured: ~10 assignments per task and ~2.5 reports per assignment.
ASSIGNMENTS_PER_TASK = 10.0
REPORTS_PER_ASSIGNMENT = 2.5
YEARS = (2024, 2025, 2026)
PASSWORD = "bench-password-2026"  # noqa: S105 - a benchmark's throwaway users

NATIONAL_ISSUER = "Ủy ban Quốc gia về chuyển đổi số"
NATIONAL_LEADS = [
    "Bộ Thông tin và Truyền thông", "Cục Chuyển đổi số quốc gia", "Bộ Công an",
    "Bộ Công Thương", "Bộ Kế hoạch và Đầu tư", "Văn phòng Chính phủ",
    "Ngân hàng Nhà nước Việt Nam", "Bộ Tài chính", "Bộ Y tế", "Bộ Giáo dục và Đào tạo",
    "Bộ Khoa học và Công nghệ", "Bộ Xây dựng", "Bộ Tư pháp", "Bộ Nội vụ",
    "Các địa phương có khu công nghiệp, khu chế xuất",
]
GROUP_LEADS = [
    "Các bộ, ngành, địa phương",
    "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",
    "Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc trung ương",
    "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
]
NATIONAL_PARTNERS = [
    "Các bộ, ngành, địa phương", "Bộ Thông tin và Truyền thông", "Bộ Kế hoạch và Đầu tư",
    "Bộ Công an", "Văn phòng Chính phủ", "Bộ Tài chính", "Bộ Ngoại giao",
    "Đơn vị chuyên trách về công nghệ thông tin tại bộ, cơ quan ngang bộ, cơ quan thuộc "
    "Chính phủ",
    "Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc trung ương",
    "Các tập đoàn, tổng công ty nhà nước, doanh nghiệp công nghệ số",
    "Các chuyên gia, nhà khoa học trong và ngoài nước trong lĩnh vực chuyển đổi số, công "
    "nghệ số",
    "Cục An toàn thông tin", "Trung tâm thông tin", "Các thành viên của Mạng lưới chuyển đổi số",
]
MINISTRY_LEADS = [
    "{issuer}", "{issuer}", "Các cơ quan, đơn vị thuộc Bộ", "Văn phòng Bộ",
    "Vụ Kế hoạch - Tài chính", "Trung tâm Thông tin", "Cục Chuyển đổi số quốc gia",
]
MINISTRY_PARTNERS = [
    "Các cơ quan, đơn vị thuộc Bộ", "Bộ Khoa học và Công nghệ", "Bộ Tài chính",
    "Văn phòng Chính phủ", "Các bộ, ngành, địa phương", "Các doanh nghiệp công nghệ số",
    "Các đơn vị liên quan", "Bộ Công an",
]
PROVINCE_LEADS = [
    "Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông",
    "{issuer}", "Sở Nội vụ", "Sở Tài chính", "Công an tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh", "Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường",
]
PROVINCE_PARTNERS = [
    "Sở Khoa học và Công nghệ", "Các sở, ban, ngành", "Bộ Khoa học và Công nghệ",
    "Các doanh nghiệp viễn thông", "Ủy ban nhân dân các xã, phường", "Bộ Công an",
    "Các cơ quan, đơn vị có liên quan", "Sở Tài chính",
]
SECTION_TITLES = [
    "Hoàn thiện thể chế, chính sách", "Phát triển hạ tầng số", "Phát triển nền tảng số",
    "Phát triển dữ liệu số", "Bảo đảm an toàn, an ninh mạng", "Phát triển nhân lực số",
    "Tuyên truyền, nâng cao nhận thức", "Tổ chức thực hiện",
]
REPORT_TEXTS = [
    "Đã ban hành văn bản hướng dẫn triển khai.", "Đang tổ chức thực hiện theo kế hoạch.",
    "Đã hoàn thành, gửi báo cáo kết quả kèm theo.", "Đang rà soát, tổng hợp số liệu.",
    "Đã tổ chức hội nghị, tập huấn cho các đơn vị.", "Chưa triển khai do chờ hướng dẫn.",
]


def gold_tasks() -> list[dict[str, Any]]:
    """The task rows of the sample plans (tests/data/gold/*.json)."""
    out: list[dict[str, Any]] = []
    for path in sorted(GOLD.glob("*.json")):
        out.extend(json.loads(path.read_text(encoding="utf-8"))["tasks"])
    return out


def gold_targets() -> list[dict[str, Any]]:
    """The targets of the sample plans."""
    out: list[dict[str, Any]] = []
    for path in sorted(GOLD.glob("*.json")):
        out.extend(json.loads(path.read_text(encoding="utf-8")).get("targets") or [])
    return out


# -- COPY text ---------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def cell(value: Any) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).translate(_ESCAPES)


NULL = "\\N"


@functools.lru_cache(maxsize=4096)
def esc(text: str) -> str:
    """A text in COPY text format (cached: printed names repeat)."""
    return text.translate(_ESCAPES)


def line(values: Sequence[Any]) -> str:
    return "\t".join(cell(v) for v in values) + "\n"


def stamp(day: date, seconds: int) -> str:
    """A timestamptz literal for `day` at `seconds` after 07:00 local time."""
    moment = datetime(day.year, day.month, day.day, 7, tzinfo=VN) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%d %H:%M:%S") + TZ


def copy_rows(cursor: Any, table: str, columns: Sequence[str], text: str) -> None:
    """COPY `text` (COPY text format) into `table`."""
    if not text:
        return
    cols = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
        for start in range(0, len(text), 1 << 20):
            copy.write(text[start:start + (1 << 20)])


class Writer:
    """COPY on a connection of its own in a thread, so that the database writes one plan's
    rows while Python makes the next plan's."""

    def __init__(self) -> None:
        import queue
        import threading

        import psycopg
        from django.db import connection

        self.conn = psycopg.connect(**connection.get_connection_params(), autocommit=True)
        self.conn.execute("SET synchronous_commit = off")
        # Not a superuser: foreign keys are checked row by row.
        with contextlib.suppress(psycopg.Error):
            self.conn.execute("SET session_replication_role = replica")
        self.queue: queue.Queue = queue.Queue(maxsize=6)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                try:
                    with self.conn.cursor() as cursor:
                        copy_rows(cursor, *item)
                except BaseException as exc:
                    self.error = exc

    def put(self, table: str, columns: Sequence[str], text: str) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((table, columns, text))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self.conn.close()
        if self.error is not None:
            raise self.error


# -- the plan list -----------------------------------------------------------------------


@dataclass
class PlanSpec:
    kind: str  # national | ministry | province
    issuer: str
    year: int
    number: str
    day: date
    weight: float
    issuer_id: str = ""
    plan: Any = None
    resolver: Any = None
    tasks: int = 0


@dataclass
class Counts:
    agencies: int = 0
    users: int = 0
    plans: int = 0
    sections: int = 0
    tasks: int = 0
    headings: int = 0
    assignments: int = 0
    lead_parts: int = 0
    group_partners: int = 0
    unresolved: int = 0
    reports: int = 0
    targets: int = 0
    target_values: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def plan_specs(registry: Any, rng: random.Random) -> list[PlanSpec]:
    """The national programme, each central agency's and each province's yearly plans."""
    specs: list[PlanSpec] = []
    for year in YEARS:
        specs.append(PlanSpec("national", NATIONAL_ISSUER, year, f"{rng.randint(10, 99)}/"
                              f"QĐ-UBQGCĐS", date(year, 4, 19), 6.0, "ubqg-cds"))
        on = date(year, 1, 15)
        for kind in ("ministry", "ministry_level", "government_agency"):
            for entity in sorted(registry.entities(kind=kind, on=on), key=lambda e: e.id):
                specs.append(PlanSpec("ministry", entity.name, year,
                                      f"{rng.randint(100, 999)}/QĐ-{entity.id.upper()}",
                                      date(year, 2, rng.randint(1, 28)), 1.0, entity.id))
        for entity in sorted(registry.entities(kind="province", on=on), key=lambda e: e.id):
            specs.append(PlanSpec("province", f"Ủy ban nhân dân {entity.name}", year,
                                  f"{rng.randint(100, 999)}/KH-UBND",
                                  date(year, 3, rng.randint(1, 28)), 1.0, entity.id))
    return specs


def few_plans(specs: list[PlanSpec], total: int) -> list[PlanSpec]:
    """All the plans, or for a small country (under 40 tasks a plan) the national ones and
    others evenly spaced among the ministries' and provinces'."""
    wanted = max(4, total // 40)
    if wanted >= len(specs):
        return specs
    national = [s for s in specs if s.kind == "national"]
    others = [s for s in specs if s.kind != "national"]
    step = max(1, len(others) // max(1, wanted - len(national)))
    return national + others[::step][:max(1, wanted - len(national))]


def split_tasks(specs: Sequence[PlanSpec], total: int, rng: random.Random) -> None:
    """Share `total` tasks among the plans by weight, each varied by up to a third."""
    shares = [s.weight * rng.uniform(0.67, 1.33) for s in specs]
    scale = total / sum(shares)
    for spec, share in zip(specs, shares, strict=True):
        spec.tasks = max(6, round(share * scale))


# -- task rows --------------------------------------------------------------------------


def moved(due: dict[str, Any], year: int) -> dict[str, Any]:
    """A sample's deadline (written for 2024) moved to `year`."""

    def move(value: str) -> str:
        old = date.fromisoformat(value)
        try:
            return old.replace(year=old.year + year - 2024).isoformat()
        except ValueError:  # 29 February
            return old.replace(year=old.year + year - 2024, day=28).isoformat()

    out = dict(due)
    for key in ("on", "from"):
        if out.get(key):
            out[key] = move(out[key])
    if out.get("steps"):
        out["steps"] = [{**s, "on": move(s["on"])} if s.get("on") else s for s in out["steps"]]
    return out


@dataclass
class Row:
    code: str
    sample: dict[str, Any]
    lead: list[str]
    partners: list[str]
    heading: bool = False


class Shapes:
    """Task rows of a plan: sections, headings with sub-rows, leads and partners as printed."""

    def __init__(self, rng: random.Random, samples: list[dict[str, Any]], big_share: float):
        self.rng = rng
        self.leaves = [t for t in samples if (t.get("name") and t["due"]["kind"] != "none")
                       or t.get("lead")]
        self.heads = [t for t in samples if t["due"]["kind"] == "none" and t.get("name")]
        self.big_share = big_share

    def names(self, spec: PlanSpec) -> tuple[list[str], list[str]]:
        rng = self.rng
        if spec.kind == "province":
            leads, partners = PROVINCE_LEADS, PROVINCE_PARTNERS
        elif spec.kind == "ministry":
            leads, partners = MINISTRY_LEADS, MINISTRY_PARTNERS
        else:
            leads, partners = NATIONAL_LEADS, NATIONAL_PARTNERS
        if spec.kind != "province" and rng.random() < self.big_share:
            lead = [rng.choice(GROUP_LEADS)]
        else:
            lead = [rng.choice(leads).format(issuer=spec.issuer)]
            if rng.random() < 0.08:
                lead.append(rng.choice(leads).format(issuer=spec.issuer))
        k = rng.choices((0, 1, 2, 3, 4), (15, 30, 30, 15, 10))[0]
        chosen = [p for p in rng.sample(partners, min(k, len(partners))) if p not in lead]
        return list(dict.fromkeys(lead)), chosen

    def rows(self, spec: PlanSpec) -> list[Row]:
        """`spec.tasks` rows under 3 to 8 sections, a fifth of them headings with sub-rows."""
        rng = self.rng
        numeric = rng.random() < 0.25  # "1", "1.1" as in some plans; else "I.1", "II.2.1"
        romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
        n_sections = rng.randint(3, 8)
        rows: list[Row] = []
        per = max(1, spec.tasks // n_sections)
        s = 0
        while len(rows) < spec.tasks:
            root = str(s + 1) if numeric else romans[s % 8] + ("" if s < 8 else str(s // 8))
            s += 1
            item = 0
            if numeric:
                # A numeric plan's sections are its heading rows ("1" above "1.1").
                rows.append(Row(root, rng.choice(self.heads), [], [], heading=True))
            while item < per and len(rows) < spec.tasks:
                item += 1
                code = f"{root}.{item}"
                if rng.random() < 0.2 and len(rows) + 3 <= spec.tasks:
                    inherit = rng.random() < 0.4
                    lead, partners = self.names(spec) if inherit else ([], [])
                    rows.append(Row(code, rng.choice(self.heads), lead, partners, heading=True))
                    for sub in range(1, rng.randint(2, 4) + 1):
                        if len(rows) >= spec.tasks:
                            break
                        sub_lead, sub_partners = ([], []) if inherit else self.names(spec)
                        rows.append(Row(f"{code}.{sub}", rng.choice(self.leaves), sub_lead,
                                        sub_partners))
                else:
                    lead, partners = self.names(spec)
                    rows.append(Row(code, rng.choice(self.leaves), lead, partners))
        return rows


# -- the generator ----------------------------------------------------------------------


class Generator:
    """Writes one synthetic country into the default database."""

    def __init__(self, tasks: int, seed: int, today: date, say: Callable[[str], None] = print):
        self.target = tasks
        self.seed = seed
        self.today = today
        self.say = say
        self.rng = random.Random(seed)  # noqa: S311 - deterministic synthetic data
        self.counts = Counts()
        self.ids = {"task": 0, "assignment": 0, "report": 0}
        self.reports_wanted = 0.0

    def timed(self, name: str, func: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        out = func()
        self.counts.timings[name] = time.perf_counter() - start
        self.say(f"  {name}: {self.counts.timings[name]:.1f} s")
        return out

    def run(self) -> Counts:
        from django.db import connection

        from theodoi.registry import load_registry

        self.registry = load_registry()
        self.timed("wipe", self.wipe)
        self.timed("agencies", self.agencies)
        specs = few_plans(plan_specs(self.registry, self.rng), self.target)
        split_tasks(specs, self.target, self.rng)
        self.timed("plans", lambda: self.plans(specs))
        self.timed("users", self.users)
        with connection.cursor() as cursor:
            self.fast_load(cursor)
            indexes = self.drop_indexes(cursor)
            try:
                self.timed("tasks, assignments, reports (COPY)",
                           lambda: self.rows(cursor, specs))
            finally:
                # A load that fails must not leave the database without its indexes: the
                # next load finds none to drop and so makes none again (every later page
                # and rebuild then scans whole tables).
                self.timed("indexes", lambda: self.create_indexes(cursor, indexes))
            self.timed("sequences", lambda: self.sequences(cursor))
            self.timed("analyze", lambda: cursor.execute("ANALYZE"))
        self.timed("targets", lambda: self.targets(specs))
        return self.counts

    # setup ---------------------------------------------------------------------------

    def wipe(self) -> None:
        """Empty every table of the tracking, web and API apps, and the users."""
        from django.apps import apps
        from django.db import connection

        tables = [m._meta.db_table for name in ("tracking", "web", "api")
                  for m in apps.get_app_config(name).get_models()]
        tables += ["auth_user", "django_session"]
        tables += [t for t in connection.introspection.table_names()
                   if t.startswith(("tracking_", "web_", "api_"))]
        quoted = ", ".join(f'"{t}"' for t in sorted(set(tables)))
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")

    def agencies(self) -> None:
        """Every registry agency that answers for something today, and those of each plan
        year (mirrored as publish mirrors them)."""
        from theodoi.tracking.services.registry import AgencyMirror

        self.mirror = AgencyMirror(self.registry)
        kinds = ("ministry", "ministry_level", "government_agency", "unit", "province",
                 "province_unit", "other_body")
        for kind in kinds:
            for entity in sorted(self.registry.entities(kind=kind, on=self.today),
                                 key=lambda e: e.id):
                self.mirror(entity)

    def plans(self, specs: list[PlanSpec]) -> None:
        """The plan rows (published), their sections and each plan's resolver."""
        from django.contrib.auth import get_user_model

        from theodoi.tracking.models import Plan, UserProfile
        from theodoi.tracking.services.assignments import _Resolver

        users = get_user_model()
        self.coordinator = users.objects.create_user("bench-coordinator", password=PASSWORD)
        UserProfile.objects.create(user=self.coordinator, role="coordinator")
        published = datetime(2024, 1, 1, 8, tzinfo=VN)
        for spec in specs:
            spec.plan = Plan.objects.create(
                number=spec.number, date=spec.day, issuer=spec.issuer, year=spec.year,
                title=f"Kế hoạch chuyển đổi số năm {spec.year} của {spec.issuer}",
                signer="Nguyễn Văn An", source="bench", status=Plan.Status.PUBLISHED,
                created_by=self.coordinator,
                published_at=max(published, datetime(spec.day.year, spec.day.month, spec.day.day,
                                                       8, tzinfo=VN)),
                published_by=self.coordinator,
            )
            spec.resolver = _Resolver(self.registry, spec.plan, self.today)
            spec.resolver.mirror = self.mirror
        self.counts.plans = len(specs)

    def users(self) -> None:
        """One reporter per agency ("bench-<registry id>"), all with the same password."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from theodoi.tracking.models import Agency, UserProfile

        users = get_user_model()
        hashed = make_password(PASSWORD)
        agencies = list(Agency.objects.order_by("id"))
        made = users.objects.bulk_create([
            users(username=f"bench-{a.registry_id}"[:150], password=hashed) for a in agencies
        ])
        UserProfile.objects.bulk_create([
            UserProfile(user=u, role="reporter", agency=a)
            for u, a in zip(made, agencies, strict=True)
        ])
        self.reporter = {a.pk: u.pk for a, u in zip(agencies, made, strict=True)}
        self.counts.agencies = len(agencies)
        self.counts.users = len(made) + 1

    def fast_load(self, cursor: Any) -> None:
        """Skip foreign-key triggers while loading (rows are made consistent by construction),
        when the role may; otherwise PostgreSQL checks each row at commit."""
        from django.db import DatabaseError

        # A lost load is loaded again: no need to wait for each commit to reach the disk.
        cursor.execute("SET synchronous_commit = off")
        try:  # in autocommit: a refusal leaves no transaction to roll back
            cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            self.say("  (foreign keys checked while loading: not a superuser)")

    def drop_indexes(self, cursor: Any) -> list[str]:
        """Drop the secondary indexes of the big tables (made again after the load, which is
        faster than keeping them up to date row by row); returns their definitions."""
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = "
            "current_schema() AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM "
            "pg_constraint c WHERE c.conname = i.indexname)", [list(BIG_TABLES)])
        found = cursor.fetchall()
        if not found:
            # A load killed before its indexes were made again left none: this one would
            # make none either (the first 2026-12-01 afternoon run measured such a database).
            raise RuntimeError("no secondary index on the big tables (an interrupted load?): "
                               "drop the database and generate again")
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in found]

    def create_indexes(self, cursor: Any, definitions: list[str]) -> None:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for definition in definitions:
            cursor.execute(definition)

    # rows ----------------------------------------------------------------------------

    def rows(self, cursor: Any, specs: list[PlanSpec]) -> None:
        samples = gold_tasks()
        big = self.big_share(specs, samples)
        shapes = Shapes(self.rng, samples, big)
        self.say(f"  (group leads on {big:.0%} of national and ministry rows)")
        self.writer = Writer()
        try:
            for i, spec in enumerate(specs):
                self.plan_rows(cursor, spec, shapes)
                if (i + 1) % 40 == 0:
                    self.say(f"  ... {i + 1}/{len(specs)} plans, {self.counts.tasks} tasks, "
                             f"{self.counts.assignments} assignments, "
                             f"{self.counts.reports} reports")
        finally:
            self.writer.close()
        cursor.execute("SET session_replication_role = DEFAULT")

    def big_share(self, specs: list[PlanSpec], samples: list[dict[str, Any]]) -> float:
        """The share of national and ministry rows led by a group, so that the whole country
        has about ASSIGNMENTS_PER_TASK assignments per task."""
        rng = random.Random(self.seed + 1)  # noqa: S311 - deterministic synthetic data
        shapes = Shapes(rng, samples, 0.0)
        sizes: dict[str, list[float]] = {"national": [], "ministry": [], "province": []}
        for spec in specs[:: max(1, len(specs) // 40)]:
            for _ in range(30):
                lead, partners = shapes.names(spec)
                sizes[spec.kind].append(len(self.wanted(spec, lead, partners)))
        big = [len(self.wanted(specs[0], [g], [])) for g in GROUP_LEADS]
        tasks = {k: sum(s.tasks for s in specs if s.kind == k) for k in sizes}
        mean = {k: sum(v) / len(v) if v else 0.0 for k, v in sizes.items()}
        big_mean = sum(big) / len(big) + mean["national"] - 1
        wanted = ASSIGNMENTS_PER_TASK * sum(tasks.values())
        small = sum(mean[k] * tasks[k] for k in tasks) * 0.8
        central = (tasks["national"] + tasks["ministry"]) * 0.8
        if central == 0 or big_mean <= 0:
            return 0.0
        return max(0.0, min(0.7, (wanted - small) / (central * big_mean)))

    def wanted(self, spec: PlanSpec, lead: list[str], partners: list[str]) -> list[tuple]:
        """The rows publish would make for these printed names: (role, printed, agency id,
        flag, group name), as `_wanted_assignments` makes them."""
        rows: dict[Any, tuple] = {}
        for role, names in (("lead", lead), ("partner", partners)):
            for name in names:
                printed = name[:500]
                found = spec.resolver.agencies_for(printed)
                if role == "partner" and found.is_group:
                    rows.setdefault(("?", printed), (role, printed, None, "group", printed))
                    continue
                if not found.agencies:
                    rows.setdefault(("?", printed), (role, printed, None, str(found.flag), ""))
                group = printed if role == "lead" and (
                    found.is_group or len(found.agencies) > 1) else ""
                for agency in found.agencies:
                    rows.setdefault(agency.pk, (role, printed, agency.pk, str(found.flag), group))
        return list(rows.values())

    def plan_rows(self, cursor: Any, spec: PlanSpec, shapes: Shapes) -> None:
        """One plan's sections (ORM), tasks, assignments and reports (COPY), plan-json."""
        from theodoi.extract.model import Task as TaskDoc
        from theodoi.registry.text import fold
        from theodoi.tracking.models import PlanDocument, Section, section_code
        from theodoi.tracking.services.plans import task_fields

        rows = shapes.rows(spec)
        plan = spec.plan
        codes = sorted({section_code(r.code) for r in rows} - {""},
                       key=lambda c: (c.count("."), c))
        sections: dict[str, Any] = {}
        for order, code in enumerate(codes):
            title = SECTION_TITLES[order % len(SECTION_TITLES)]
            sections[code] = Section(plan=plan, code=code, title=title, order=order)
        Section.objects.bulk_create(list(sections.values()))
        self.counts.sections += len(sections)
        task_lines, asg_lines, report_lines = io.StringIO(), io.StringIO(), io.StringIO()
        plan_tasks = []
        heads = {r.code for r in rows if r.heading}
        owing_rows: list[tuple] = []
        by_code = {r.code: r for r in rows}
        created = stamp(spec.day, 3600)
        for order, row in enumerate(rows):
            self.ids["task"] += 1
            tid = self.ids["task"]
            doc = dict(row.sample)
            doc["code"] = row.code
            doc["due"] = moved(doc["due"], spec.year)
            doc["lead"], doc["partners"] = row.lead, row.partners
            plan_tasks.append(doc)
            fields = task_fields(TaskDoc.from_json(doc))
            has_children = row.code in heads
            search = fold(" ".join(p for p in (
                row.code, fields["name"], fields["detail"], fields["result"],
                fields["deadline"], *fields["lead"], *fields["partners"]) if p))
            section = sections.get(section_code(row.code))
            task_lines.write(line((
                tid, plan.pk, section.pk if section else None, row.code, order, fields["name"],
                fields["detail"], fields["result"], fields["deadline"], fields["due_kind"],
                fields["due_on"], fields["due_from"], fields["due_every"], fields["due_text"],
                fields["due_steps"], fields["lead"], fields["partners"], None, search, None,
                has_children, 0, 0, "not_started", "not_started", None, None, None, None,
                None, False, {},
            )))
            self.counts.tasks += 1
            self.counts.headings += has_children
            if has_children:
                continue
            lead, partners = row.lead, row.partners
            if not lead:
                # A sub-row without a lead answers with its heading's (names_of).
                code = row.code
                while "." in code and not lead:
                    code = code.rsplit(".", 1)[0]
                    above = by_code.get(code)
                    if above is not None and above.lead:
                        lead, partners = above.lead, [*partners, *above.partners]
            for role, printed, agency, flag, group in self.wanted(spec, lead, partners):
                self.ids["assignment"] += 1
                aid = self.ids["assignment"]
                # Hot loop: the printed names are escaped once per plan, the rest is safe.
                asg_lines.write(
                    f"{aid}\t{tid}\t{plan.pk}\t{NULL if agency is None else agency}\t{role}\t"
                    f"{esc(printed)}\t{esc(group)}\t{flag}\tt\t{created}\t\\N\t0\tf\t"
                    "not_started\tnot_started\t\\N\t\\N\t\\N\t\\N\t\\N\n")
                self.counts.assignments += 1
                self.counts.lead_parts += bool(role == "lead" and group)
                self.counts.group_partners += flag == "group"
                self.counts.unresolved += agency is None and flag != "group"
                if agency is not None:
                    owing_rows.append((aid, role, agency, fields))
        self.reports(spec, owing_rows, report_lines)
        self.writer.put("tracking_task", TASK_COLUMNS, task_lines.getvalue())
        self.writer.put("tracking_assignment", ASSIGNMENT_COLUMNS, asg_lines.getvalue())
        self.writer.put("tracking_progressreport", REPORT_COLUMNS, report_lines.getvalue())
        PlanDocument.objects.create(plan=plan, plan_json={
            "format": "plan-json/1", "source": "bench",
            "plan": {"number": plan.number, "date": spec.day.isoformat(), "issuer": spec.issuer,
                     "title": plan.title, "year": spec.year, "signer": plan.signer},
            "targets": [], "tasks": plan_tasks,
        })

    def reports(self, spec: PlanSpec, owing: list[tuple], out: io.StringIO) -> None:
        """Each owing row's reports: a series from the plan's date on, percent rising, the
        last often "done"; leads' reports reviewed (some pending, some returned)."""
        from theodoi.tracking import status as engine

        rng = self.rng
        self.reports_wanted += REPORTS_PER_ASSIGNMENT * (self.counts.assignments
                                                         - getattr(self, "_seen", 0))
        self._seen = self.counts.assignments
        if not owing:
            return
        rate = max(0.0, (self.reports_wanted - self.counts.reports) / len(owing))
        start = spec.day + timedelta(days=10)
        end = min(self.today - timedelta(days=1), date(spec.year + 1, 12, 31))
        span = (end - start).days
        if span <= 0:
            return
        done_share = {2024: 0.8, 2025: 0.6, 2026: 0.3}.get(spec.year, 0.5)
        coordinator = self.coordinator.pk
        recent = self.today - timedelta(days=20)
        for aid, role, agency, fields in owing:
            k = int(rng.uniform(0, 2 * rate) + 0.5)
            if k == 0:
                continue
            every = None
            if fields["due_kind"] in engine.PERIODIC_KINDS:
                every = engine.Deadline(kind=fields["due_kind"],
                                        every=fields["due_every"] or None).period
            days = sorted(rng.randrange(span) for _ in range(k))
            finish = rng.random() < done_share
            percent = 0
            # An agency the resolver mirrored while reading the rows (after users() ran)
            # has no reporter: the coordinator writes for it.
            author = self.reporter.get(agency, coordinator)
            for j, offset in enumerate(days):
                day = start + timedelta(days=offset)
                last = j == k - 1
                percent = min(100, percent + rng.randint(5, 40))
                status = "in_progress"
                if (last and finish) or percent >= 100:
                    status, percent = "done", 100
                elif j == 0 and rng.random() < 0.05:
                    status, percent = "not_started", 0
                elif rng.random() < 0.01:
                    status = "cannot_do"
                self.ids["report"] += 1
                review, reviewed_at, reviewer, reason = "not_required", None, None, ""
                if role == "lead":
                    roll = rng.random()
                    if day >= recent or roll < 0.07:
                        review = "pending"
                    elif roll < 0.15:
                        review, reason = "returned", "Đề nghị bổ sung minh chứng."
                    else:
                        review = "accepted"
                    if review != "pending":
                        reviewed = min(day + timedelta(days=rng.randint(1, 10)),
                                       self.today - timedelta(days=1))
                        reviewed_at, reviewer = stamp(reviewed, 7200), coordinator
                # Hot loop (5M rows): every value here is a number or a fixed safe text.
                period = engine.period_key(day, every) if every else ""
                out.write(
                    f"{self.ids['report']}\t{aid}\t{period}\t{status}\t{percent}\t"
                    f"{rng.choice(REPORT_TEXTS)}\t[]\t\\N\t\\N\t\\N\t{author}\t"
                    f"{stamp(day, rng.randrange(36000))}\t{review}\t"
                    f"{NULL if reviewer is None else reviewer}\t"
                    f"{NULL if reviewed_at is None else reviewed_at}\t{reason}\n")
                self.counts.reports += 1
                if status == "done" and review == "accepted":
                    break

    def sequences(self, cursor: Any) -> None:
        for table, key in (("tracking_task", "task"), ("tracking_assignment", "assignment"),
                           ("tracking_progressreport", "report")):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
                           [max(1, self.ids[key])])

    def targets(self, specs: list[PlanSpec]) -> None:
        """The samples' targets on every national and province plan, with values reported by
        the agencies that answer for them."""
        from decimal import Decimal

        from theodoi.tracking.models import Agency, Target, TargetValue

        samples = gold_targets()
        provinces = list(Agency.objects.filter(kind="province").order_by("id"))
        made, values = [], []
        for spec in specs:
            if spec.kind == "ministry":
                continue
            for order, t in enumerate(samples):
                made.append(Target(plan=spec.plan, order=order, text=t["text"],
                                   goal=Decimal(str(t["value"])) if t.get("value") else None,
                                   unit=t.get("unit") or ""))
        Target.objects.bulk_create(made)
        for target in made:
            for agency in self.rng.sample(provinces, min(5, len(provinces))):
                goal = float(target.goal or 100)
                values.append(TargetValue(
                    target=target, agency=agency,
                    value=Decimal(str(round(goal * self.rng.uniform(0.1, 1.0) / 5, 2))),
                    author_id=self.reporter[agency.pk],
                    created_at=datetime(target.plan.year, 11, 30, 9, tzinfo=VN),
                ))
        TargetValue.objects.bulk_create(values, batch_size=2000)
        self.counts.targets, self.counts.target_values = len(made), len(values)


BIG_TABLES = ("tracking_task", "tracking_assignment", "tracking_progressreport")
TASK_COLUMNS = (
    "id", "plan_id", "section_id", "code", "order", "name", "detail", "result", "deadline",
    "due_kind", "due_on", "due_from", "due_every", "due_text", "due_steps", "lead", "partners",
    "set_on", "search", "removed_at", "has_children", "lead_parts", "lead_parts_done",
    "status", "progress", "percent", "deciding_due", "done_on", "next_change_on", "judged_on",
    "duplicated", "source",  # Django's defaults are not the table's: COPY names every column
)
ASSIGNMENT_COLUMNS = (
    "id", "task_id", "plan_id", "agency_id", "role", "printed_name", "group_name", "flag",
    "is_active", "created_at", "last_report_at", "pending_reports", "is_returned",
    "status", "progress", "percent", "deciding_due", "done_on", "next_change_on", "judged_on",
)
REPORT_COLUMNS = (
    "id", "assignment_id", "period", "status", "percent", "text", "links", "target_id",
    "target_value", "corrects_id", "author_id", "created_at", "review_state", "reviewed_by_id",
    "reviewed_at", "review_reason",
)


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
