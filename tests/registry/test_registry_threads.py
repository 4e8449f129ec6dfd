"""The registry is shared by a server's threads: loading the departments or communes on
first need must not break another thread walking the entities at that moment."""

from __future__ import annotations

from theodoi.registry import load_registry


def test_a_walk_in_progress_survives_the_departments_and_communes_loading() -> None:
    registry = load_registry(extra=[])  # a registry of its own: nothing loaded yet
    assert not registry.departments_loaded
    walking = iter(registry._entities.values())
    first = next(walking)
    registry._ensure_units()
    registry._ensure_communes()
    # The walk that began before goes on over what it began with (it raised "dictionary
    # changed size during iteration" when the load wrote into the dictionary being read).
    rest = list(walking)
    assert first is not None and rest
    assert registry.departments_loaded
    assert len(registry._entities) > len(rest) + 1
