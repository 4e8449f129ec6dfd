"""`theodoi indicators import|list|map`, run in-process through `theodoi.cli.main`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from theodoi.cli import main
from theodoi.tracking.models import IndicatorMapping, IndicatorValue

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"


def test_import_previews_writes_and_refuses_to_write_twice(coordinator: Any,
                                                           capsys: Any) -> None:
    path = str(FIXTURES / "dti_2022_tinh.csv")
    assert main(["indicators", "import", path, "--user", "coordinator", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dti_2022_tinh.csv: DTI, 45 giá trị hiểu được (9 chỉ số, 5 cơ quan)" in out
    assert "xem trước: chưa ghi gì" in out
    assert IndicatorValue.objects.count() == 0
    assert main(["indicators", "import", path, "--user", "coordinator"]) == 0
    assert "đã ghi 45 giá trị; 0 giá trị đã có từ trước" in capsys.readouterr().out
    assert main(["indicators", "import", path, "--user", "coordinator"]) == 0
    assert "tệp này đã được nhập ngày" in capsys.readouterr().out
    assert IndicatorValue.objects.count() == 45


def test_a_file_with_nothing_understood_exits_2_with_the_rows_listed(
    coordinator: Any, reporter_a: Any, tmp_path: Path, capsys: Any,
) -> None:
    bad = tmp_path / "xau.csv"
    bad.write_text("Đơn vị,Năm,Chỉ số,Giá trị\nNơi Lạ,2024,X,1\n", encoding="utf-8")
    assert main(["indicators", "import", str(bad), "--user", "coordinator"]) == 2
    err = capsys.readouterr().err
    assert "chưa hiểu: Dòng 2, cột «Đơn vị»: danh mục không có cơ quan «Nơi Lạ»" in err
    assert "xau.csv: không có giá trị nào hiểu được; chưa ghi gì" in err
    assert main(["indicators", "import", str(tmp_path / "none.csv"),
                 "--user", "coordinator"]) == 2
    capsys.readouterr()
    assert main(["indicators", "import", str(bad), "--user", "reporter-a"]) == 2
    assert "tài khoản «reporter-a» không phải điều phối viên" in capsys.readouterr().err


def test_list_and_map(coordinator: Any, published_plan: Any, capsys: Any) -> None:
    main(["indicators", "import", str(FIXTURES / "chi_so_emc.xlsx"), "--user", "coordinator"])
    target = published_plan.targets.get(unit="%")
    assert main(["indicators", "map", "EMC:emc-toan-trinh", str(target.pk),
                 "--user", "coordinator"]) == 0
    assert IndicatorMapping.objects.filter(target=target,
                                           indicator__code="emc-toan-trinh").exists()
    capsys.readouterr()
    assert main(["indicators", "list"]) == 0
    out = capsys.readouterr().out
    assert "EMC:emc-toan-trinh\tTỷ lệ hồ sơ trực tuyến toàn trình\t2 giá trị" in out
    assert f"chỉ tiêu {target.pk}" in out
    assert main(["indicators", "map", "EMC:khong-co", str(target.pk),
                 "--user", "coordinator"]) == 2
