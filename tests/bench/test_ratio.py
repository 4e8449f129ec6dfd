"""The two-size comparison measures each operation on both countries back to back and keeps
the medians over its rounds."""

from __future__ import annotations

from typing import Any

from bench import scale_ratio


def test_each_operation_is_measured_on_both_sizes_back_to_back(monkeypatch: Any) -> None:
    calls: list[tuple[str, str]] = []
    figures = {("small", "a"): [0.010, 0.030], ("large", "a"): [0.020, 0.030],
               ("small", "b"): [0.040, 0.040], ("large", "b"): [0.050, 0.070]}

    def fake(url: str, name: str, repeat: int) -> dict[str, Any]:
        calls.append((url, name))
        value = figures[(url, name)][sum(1 for c in calls if c == (url, name)) - 1]
        return {"p50": value / 2, "p95": value, "queries": 3}

    monkeypatch.setattr(scale_ratio, "measure_one", fake)
    found = scale_ratio.run("small", "large", ["a", "b"], rounds=2, repeat=5,
                            say=lambda _text: None)
    assert calls == [("small", "a"), ("large", "a"), ("small", "b"), ("large", "b")] * 2
    assert found["a"]["small"]["p95"] == 0.020  # the median of 0.010 and 0.030
    assert found["a"]["large"]["p95"] == 0.025
    assert round(found["a"]["ratio_p95"], 3) == 1.25
    assert round(found["b"]["ratio_p95"], 3) == 1.5
    assert "| a | 10 ms / 20 ms | 12 ms / 25 ms | 1.25 | 1.25 | 3 / 3 |" in \
        scale_ratio.table(found)


def test_an_operation_that_failed_on_one_size_has_no_ratio(monkeypatch: Any) -> None:
    monkeypatch.setattr(scale_ratio, "measure_one", lambda url, name, repeat: (
        {"error": "timeout"} if url == "large" else {"p50": 0.01, "p95": 0.02, "queries": 1}))
    found = scale_ratio.run("small", "large", ["a"], rounds=1, repeat=5,
                            say=lambda _text: None)
    assert found["a"]["large"] == {} and "ratio_p95" not in found["a"]
    assert "| a | 10 ms / 20 ms | - / - | - | - | 1 / - |" in scale_ratio.table(found)
