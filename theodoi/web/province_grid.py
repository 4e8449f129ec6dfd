"""The 34 provinces as a tile grid (a cartogram: one equal tile each, placed roughly where
the province lies, north at the top), coloured by on-time rate.

A tile map rather than a drawn map: every province is the same size, so a small province
is as visible as a large one, it fits a phone's width, and it needs no map data or tiles
from the internet. Positions are (row, column) on a 5-column grid; the registry ids are
those of the provinces since 1/7/2025 (Nghị quyết 202/2025/QH15).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from theodoi.tracking import status as engine
from theodoi.tracking.models import Agency
from theodoi.web.snapshot import AgencyRow

# registry id: (name as the registry prints it, row, column)
TILES: dict[str, tuple[str, int, int]] = {
    "tinh-lai-chau": ("tỉnh Lai Châu", 0, 0),
    "tinh-lao-cai-2025": ("tỉnh Lào Cai", 0, 1),
    "tinh-tuyen-quang-2025": ("tỉnh Tuyên Quang", 0, 2),
    "tinh-cao-bang": ("tỉnh Cao Bằng", 0, 3),
    "tinh-dien-bien": ("tỉnh Điện Biên", 1, 0),
    "tinh-son-la": ("tỉnh Sơn La", 1, 1),
    "tinh-phu-tho-2025": ("tỉnh Phú Thọ", 1, 2),
    "tinh-thai-nguyen-2025": ("tỉnh Thái Nguyên", 1, 3),
    "tinh-lang-son": ("tỉnh Lạng Sơn", 1, 4),
    "tp-ha-noi": ("thành phố Hà Nội", 2, 2),
    "tinh-bac-ninh-2025": ("tỉnh Bắc Ninh", 2, 3),
    "tinh-quang-ninh": ("tỉnh Quảng Ninh", 2, 4),
    "tinh-ninh-binh-2025": ("tỉnh Ninh Bình", 3, 2),
    "tinh-hung-yen-2025": ("tỉnh Hưng Yên", 3, 3),
    "tp-hai-phong-2025": ("thành phố Hải Phòng", 3, 4),
    "tinh-thanh-hoa": ("tỉnh Thanh Hóa", 4, 2),
    "tinh-nghe-an": ("tỉnh Nghệ An", 5, 2),
    "tinh-ha-tinh": ("tỉnh Hà Tĩnh", 6, 2),
    "tinh-quang-tri-2025": ("tỉnh Quảng Trị", 7, 2),
    "tp-hue": ("thành phố Huế", 8, 2),
    "tp-da-nang-2025": ("thành phố Đà Nẵng", 8, 3),
    "tinh-gia-lai-2025": ("tỉnh Gia Lai", 9, 2),
    "tinh-quang-ngai-2025": ("tỉnh Quảng Ngãi", 9, 3),
    "tinh-dak-lak-2025": ("tỉnh Đắk Lắk", 10, 2),
    "tinh-khanh-hoa-2025": ("tỉnh Khánh Hòa", 10, 3),
    "tinh-lam-dong-2025": ("tỉnh Lâm Đồng", 11, 2),
    "tinh-tay-ninh-2025": ("tỉnh Tây Ninh", 12, 0),
    "tp-ho-chi-minh-2025": ("thành phố Hồ Chí Minh", 12, 1),
    "tinh-dong-nai-2025": ("tỉnh Đồng Nai", 12, 2),
    "tinh-an-giang-2025": ("tỉnh An Giang", 13, 0),
    "tinh-dong-thap-2025": ("tỉnh Đồng Tháp", 13, 1),
    "tinh-vinh-long-2025": ("tỉnh Vĩnh Long", 13, 2),
    "tp-can-tho-2025": ("thành phố Cần Thơ", 14, 1),
    "tinh-ca-mau-2025": ("tỉnh Cà Mau", 15, 0),
}

# Bands of the on-time rate, most urgent first; each has its colour in app.css.
BANDS: tuple[tuple[str, int], ...] = (("low", 50), ("mid", 80), ("high", 101))
NO_DATA = "none"


def band(rate_percent: int | None) -> str:
    """The colour band of an on-time rate in percent ("none" when nothing was due yet)."""
    if rate_percent is None:
        return NO_DATA
    for name, below in BANDS:
        if rate_percent < below:
            return name
    return BANDS[-1][0]


@dataclass
class Tile:
    registry_id: str
    name: str
    row: int
    column: int
    agency: Agency | None = None
    rate_percent: int | None = None
    total: int = 0
    overdue: int = 0

    @property
    def band(self) -> str:
        return band(self.rate_percent)

    @property
    def short_name(self) -> str:
        """"Hà Nội" for "thành phố Hà Nội": the tile is small."""
        for prefix in ("thành phố ", "tỉnh "):
            if self.name.lower().startswith(prefix):
                return self.name[len(prefix):]
        return self.name


def tiles(rows: Iterable[AgencyRow]) -> list[Tile]:
    """A tile per province of `TILES`, filled from the provinces' ranking rows (their
    units' work rolled up, `snapshot.level_ranking`)."""
    by_id = {row.agency.registry_id: row for row in rows}
    out = []
    for registry_id, (name, row, column) in TILES.items():
        tile = Tile(registry_id, name, row, column)
        found = by_id.get(registry_id)
        if found is not None:
            tile.agency = found.agency
            tile.rate_percent = found.rate_percent
            tile.total = found.total
            tile.overdue = found.counts.get(engine.OVERDUE, 0)
        out.append(tile)
    return out
