"""`theodoi agencies resolve|expand|check` as a person runs them."""

from __future__ import annotations

import json

from theodoi.cli import main


def test_resolve_prints_the_successor_with_its_legal_basis(capsys):
    code = main(["agencies", "resolve", "Bộ Thông tin và Truyền thông", "--on", "2026-01-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Bộ Khoa học và Công nghệ [bo-khcn]" in out
    assert "Nghị quyết số 176/2025/QH15" in out


def test_resolve_a_province_after_the_merger(capsys):
    assert main(["agencies", "resolve", "UBND tỉnh Hà Giang", "--on", "01/01/2026"]) == 0
    out = capsys.readouterr().out
    assert "tỉnh Tuyên Quang [tinh-tuyen-quang-2025]" in out
    assert "202/2025/QH15" in out


def test_resolve_json(capsys):
    assert main(["agencies", "resolve", "Bộ TT&TT", "--on", "2024-06-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entity"]["id"] == "bo-tttt"
    assert data["matched_alias"] == "Bộ TT&TT"
    assert [e["id"] for e in data["successors_on"]] == ["bo-tttt"]


def test_resolve_an_unknown_name_exits_1(capsys):
    assert main(["agencies", "resolve", "Bộ Phép thuật"]) == 1
    assert "Không nhận ra" in capsys.readouterr().out


def test_a_bad_date_is_a_usage_error(capsys):
    try:
        main(["agencies", "resolve", "Bộ Y tế", "--on", "30/02/2025"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "ngày không hợp lệ" in capsys.readouterr().err


def test_expand_counts_provinces_on_each_side_of_july_2025(capsys):
    assert main(["agencies", "expand", "Các địa phương", "--on", "2025-06-30"]) == 0
    assert "63 thành viên" in capsys.readouterr().out
    assert main(["agencies", "expand", "group-ubnd-tinh", "--on", "2025-07-01", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["members"]) == 34


def test_expand_an_unknown_group_is_a_user_error(capsys):
    assert main(["agencies", "expand", "Các hành tinh"]) == 2
    assert "không nhận ra" in capsys.readouterr().err


def test_check_lists_unresolved_names_and_exits_1(tmp_path, capsys):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({
        "format": "plan-json/1",
        "plan": {"issuer": "Bộ Thông tin và Truyền thông"},
        "tasks": [
            {"code": "1", "lead": ["Cục Chuyển đổi số quốc gia"], "partners": ["Bộ Phép thuật"]},
            {"code": "2", "lead": ["Vụ Hợp tác quốc tế"], "partners": ["Bộ Phép thuật"]},
        ],
    }, ensure_ascii=False), encoding="utf-8")
    assert main(["agencies", "check", str(plan), "--on", "2024-06-01"]) == 1
    out = capsys.readouterr().out
    assert "✗ Bộ Phép thuật  (nhiệm vụ 1, 2)" in out
    assert "chưa nhận ra: Bộ Phép thuật" in out
    assert "3 tên, 2 nhận ra, 1 không nhận ra" in out
    assert main(["agencies", "check", str(plan), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["unresolved"] == ["Bộ Phép thuật"]
    assert data["context"] == "bo-tttt"


def test_check_refuses_a_file_that_is_not_a_plan(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert main(["agencies", "check", str(path)]) == 2
    assert "không phải plan-json" in capsys.readouterr().err
    assert main(["agencies", "check", str(tmp_path / "missing.json")]) == 2


def test_expand_the_communes_of_a_provincial_plan(capsys):
    from collections import Counter

    from vietnam_provinces import Ward

    from theodoi.registry import load_registry

    assert main(["agencies", "expand", "UBND các xã, phường", "--context",
                 "UBND thành phố Cần Thơ", "--on", "2026-01-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    code = int(load_registry().get("tp-can-tho-2025").code)
    can_tho = Counter(int(w.province_code) for w in Ward.iter_all())[code]
    assert len(data["members"]) == can_tho
    assert {m["parent"] for m in data["members"]} == {"tp-can-tho-2025"}
