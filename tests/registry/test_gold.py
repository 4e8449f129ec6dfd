"""`theodoi agencies check` on the four gold plans: every lead and partner string known."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from theodoi.cli import main
from theodoi.registry import load_registry
from theodoi.registry.commands import check_plan

GOLD = Path(__file__).parents[1] / "data" / "gold"
ON = date(2026, 1, 1)
MIC_LIST = (
    "list:bo-tttt+bo-tnmt+bo-gddt+bo-tc+bo-ca+bo-nnptnt+bo-yt+vov+vtv+bo-vhttdl"
)

# What each distinct printed string means, read from the string itself (and, for the units
# of a ministry, from the plan's issuer: the Ministry of Information and Communications).
EXPECTED = {
    "Ban Tuyên giáo Trung ương": "ban-tgtw",
    "Báo điện tử VietNamNet": "bao-vietnamnet",
    "Bảo hiểm Xã hội Việt Nam": "bhxh-vn",
    "Bộ Công Thương": "bo-ct",
    "Bộ Công an": "bo-ca",
    "Bộ Giao thông vận tải": "bo-gtvt",
    "Bộ Giáo dục và Đào tạo": "bo-gddt",
    "Bộ Khoa học và Công nghệ": "bo-khcn",
    "Bộ Kế hoạch và Đầu tư": "bo-khdt",
    "Bộ Lao động - Thương binh và Xã hội": "bo-ldtbxh",
    "Bộ Ngoại giao": "bo-ng",
    "Bộ Nông nghiệp và Phát triển nông thôn": "bo-nnptnt",
    "Bộ Nông nghiệp và phát triển nông thôn": "bo-nnptnt",
    "Bộ Nội vụ": "bo-nv",
    "Bộ Quốc phòng": "bo-qp",
    "Bộ Thông tin và Truyền thông": "bo-tttt",
    "Bộ Tài chính": "bo-tc",
    "Bộ Tài nguyên và Môi trường": "bo-tnmt",
    "Bộ Tư pháp": "bo-tp",
    "Bộ Văn hóa, Thể thao và Du lịch": "bo-vhttdl",
    "Bộ Xây dựng": "bo-xd",
    "Bộ Y tế": "bo-yt",
    "Bộ, ngành, địa phương": "group-bo-nganh-dia-phuong",
    "Các Bộ, ngành (Bộ Thông tin và Truyền thông, Bộ Tài nguyên và Môi trường, Bộ Giáo dục"
    " và Đào tạo, Bộ Tài chính, Bộ Công an, Bộ Nông nghiệp và Phát triển nông thôn, Bộ Y tế,"
    " Đài Tiếng nói Việt Nam, Đài Truyền hình Việt Nam, Bộ Văn hóa, Thể thao và Du lịch)":
        MIC_LIST,
    "Các Bộ, ngành, địa phương": "group-bo-nganh-dia-phuong",
    "Các bộ, ngành": "group-bo-nganh",
    "Các bộ, ngành, địa phương": "group-bo-nganh-dia-phuong",
    "Các chuyên gia, nhà khoa học trong và ngoài nước trong lĩnh vực chuyển đổi số, công"
    " nghệ số": "group-chuyen-gia",
    "Các cơ quan, đơn vị thuộc Bộ": "group-don-vi-thuoc-bo",
    "Các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông": "group-don-vi-thuoc-bo",
    "Các doanh nghiệp công nghệ số": "group-dn-cong-nghe-so",
    "Các doanh nghiệp viễn thông": "group-dn-vien-thong",
    "Các thành viên của Mạng lưới chuyển đổi số": "group-mang-luoi-cds",
    "Các tập đoàn, tổng công ty nhà nước, doanh nghiệp công nghệ số":
        "group-tap-doan-dnnn-dn-cns",
    "Các đơn vị chức năng của bộ, ngành, địa phương":
        "group-don-vi-chuc-nang-bo-nganh-dia-phuong",
    "Các địa phương có khu công nghiệp, khu chế xuất": "group-dia-phuong-co-kcn",
    "Cục An toàn thông tin": "cuc-attt",
    "Cục Báo chí": "cuc-bao-chi",
    "Cục Chuyển đổi số quốc gia": "cuc-cds",
    "Cục Công nghiệp công nghệ thông tin và Truyền thông": "cuc-cn-cntt-tt",
    "Cục Phát thanh truyền hình và thông tin điện tử": "cuc-ptth-ttdt",
    "Cục Phát thanh, truyền hình và thông tin điện tử": "cuc-ptth-ttdt",
    "Cục Thông tin cơ sở": "cuc-ttcs",
    "Cục Thông tin đối ngoại": "cuc-ttdn",
    "Cục Viễn thông": "cuc-vien-thong",
    "Cục Xuất bản, In và Phát hành": "cuc-xbiph",
    "Học viện Công nghệ Bưu chính Viễn thông": "ptit",
    "Ngân hàng Nhà nước Việt Nam": "nhnn",
    "Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc Trung ương": "group-so-tttt",
    "Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc trung ương": "group-so-tttt",
    "Thông tấn xã Việt Nam": "ttxvn",
    "Trung tâm Chứng thực điện tử Quốc gia": "neac",
    "Trung tâm Chứng thực điện tử quốc gia": "neac",
    "Trung tâm Internet Việt Nam": "vnnic",
    "Trung tâm Thông tin": "bo-tttt-tt-thong-tin",
    "Trung tâm thông tin": "bo-tttt-tt-thong-tin",
    "Tạp chí Thông tin và Truyền thông": "tap-chi-tttt",
    "Tổ công tác của Thủ tướng Chính phủ về rà soát văn bản quy phạm pháp luật":
        "to-cong-tac-ra-soat-vbqppl",
    "Tổng Công ty Bưu Điện Việt Nam": "vnpost",
    "Tổng công ty Truyền thông đa phương tiện VTC": "vtc",
    "Viện Công nghệ số và chuyển đổi số quốc gia": "vien-cns-cds",
    "Văn phòng Chính phủ": "vpcp",
    "Vụ Hợp tác quốc tế": "bo-tttt-vu-htqt",
    "Vụ Kinh tế số và Xã hội số": "vu-ktsxhs",
    "Vụ Kế hoạch - Tài chính": "bo-tttt-vu-khtc",
    "Vụ Tổ chức cán bộ": "bo-tttt-vu-tccb",
    "các Bộ, ngành": "group-bo-nganh",
    "các Bộ, ngành, hội, hiệp hội nghề nghiệp liên quan":
        "group-bo-nganh-hoi-hiep-hoi-lien-quan",
    "các Bộ, ngành, địa phương": "group-bo-nganh-dia-phuong",
    "các Bộ, ngành, địa phương, hội, hiệp hội": "group-bo-nganh-dia-phuong-hoi-hiep-hoi",
    "các bộ, ngành liên quan": "group-bo-nganh-lien-quan",
    "các bộ, ngành, địa phương": "group-bo-nganh-dia-phuong",
    "các cơ quan báo chí": "group-co-quan-bao-chi",
    "các cơ quan thông tấn, báo chí": "group-co-quan-thong-tan-bao-chi",
    "các cơ quan thông tấn, báo chí ở trung ương và địa phương":
        "group-co-quan-thong-tan-bao-chi",
    "các cơ quan, đơn vị": "group-co-quan-don-vi-lien-quan",
    "các cơ quan, đơn vị chủ trì triển khai các nền tảng số, bộ công cụ":
        "group-co-quan-chu-tri-nen-tang-so",
    "các cơ quan, đơn vị có liên quan": "group-co-quan-don-vi-lien-quan",
    "các cơ quan, đơn vị liên quan": "group-co-quan-don-vi-lien-quan",
    "các doanh nghiệp": "group-doanh-nghiep",
    "các doanh nghiệp công nghệ số": "group-dn-cong-nghe-so",
    "các hội, hiệp hội": "group-hoi-hiep-hoi",
    "các hội, hiệp hội công nghệ thông tin": "group-hoi-hiep-hoi-cntt",
    "các hội, hiệp hội liên quan": "group-hoi-hiep-hoi",
    "các hội, hiệp hội nghề nghiệp, doanh nghiệp công nghiệp công nghệ thông tin":
        "group-hoi-hiep-hoi-dn-cntt",
    "các hội, hiệp hội, doanh nghiệp": "group-hoi-hiep-hoi-doanh-nghiep",
    "các tỉnh khu vực Tây Nguyên": "group-tinh-tay-nguyen",
    "các tổ chức, doanh nghiệp liên quan": "group-to-chuc-doanh-nghiep",
    "các tổ chức, đoàn thể, hiệp hội nghề nghiệp, hệ thống Nhà đăng ký tên miền quốc gia":
        "group-to-chuc-doan-the-hiep-hoi",
    "các Đài truyền hình địa phương": "group-dai-truyen-hinh-dia-phuong",
    "các đơn vị báo chí, xuất bản": "group-don-vi-bao-chi-xuat-ban",
    "các đơn vị chức năng của bộ, ngành, địa phương":
        "group-don-vi-chuc-nang-bo-nganh-dia-phuong",
    "các đơn vị liên quan": "group-co-quan-don-vi-lien-quan",
    "các địa phương": "group-ubnd-tinh",
    "mỗi hội, hiệp hội, doanh nghiệp": "group-hoi-hiep-hoi-doanh-nghiep",
    "Đài Tiếng nói Việt Nam": "vov",
    "Đài Truyền hình Việt Nam": "vtv",
    "Đơn vị chuyên trách về công nghệ thông tin của các bộ, cơ quan ngang bộ, cơ quan thuộc"
    " Chính phủ": "group-don-vi-cntt-bo-nganh",
    "Đơn vị chuyên trách về công nghệ thông tin tại bộ, cơ quan ngang bộ, cơ quan thuộc"
    " Chính phủ": "group-don-vi-cntt-bo-nganh",
    "đơn vị chức năng tại các bộ, ngành, địa phương":
        "group-don-vi-chuc-nang-bo-nganh-dia-phuong",
    "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương": "group-ubnd-tinh",
}


def gold_plans() -> list[Path]:
    return sorted(GOLD.glob("*.json"))


def test_the_table_covers_every_distinct_string_of_the_gold_plans():
    printed = {
        name
        for path in gold_plans()
        for task in json.loads(path.read_text(encoding="utf-8"))["tasks"]
        for name in task["lead"] + task["partners"]
    }
    assert len(gold_plans()) == 4
    assert printed == set(EXPECTED)


@pytest.mark.parametrize("path", gold_plans(), ids=lambda p: p.name[:3])
def test_check_resolves_each_gold_string_to_the_expected_entity(path):
    reg = load_registry()
    _, rows = check_plan(reg, json.loads(path.read_text(encoding="utf-8")), ON)
    got = {name: found.entity.id if found else None for name, _, found in rows}
    assert got == {name: EXPECTED[name] for name in got}


def test_units_of_the_ministry_are_read_inside_the_issuer():
    reg = load_registry()
    plan = json.loads(gold_plans()[0].read_text(encoding="utf-8"))
    context, rows = check_plan(reg, plan, ON)
    assert context == "bo-tttt"
    by_name = {name: found for name, _, found in rows}
    units = by_name["Các cơ quan, đơn vị thuộc Bộ"]
    assert units.context == "bo-tttt"
    # On 1/1/2026 the units of the Ministry of Information and Communications answer as
    # units of the Ministry of Science and Technology.
    assert {reg.parent_on(e, ON) for e in units.successors_on} == {"bo-khcn"}


@pytest.mark.parametrize("path", gold_plans(), ids=lambda p: p.name[:3])
def test_check_command_exits_0_when_every_name_is_known(path, capsys):
    assert main(["agencies", "check", str(path), "--on", "2026-01-01"]) == 0
    out = capsys.readouterr().out
    assert "0 không nhận ra" in out
    assert "✗" not in out
