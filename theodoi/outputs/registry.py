"""The renderer registry: every output format is a function `render(data) -> bytes`.

A document (the urging letter, the periodic report, the task sheet, the calendar) is built
once as a plain data object by its module; each format of it is a renderer registered
under (document, format). Views and commands ask the registry, never a module, so adding
a format is one decorated function (docs/outputs.md). The built-in renderers register
themselves the same way when `BUILTIN_MODULES` are imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Modules whose import registers the built-in renderers.
BUILTIN_MODULES: tuple[str, ...] = (
    "theodoi.outputs.letter",
    "theodoi.outputs.report_docx",
    "theodoi.outputs.report_pdf",
    "theodoi.outputs.excel",
    "theodoi.outputs.ical",
)

RenderFunc = Callable[[Any], bytes]


@dataclass(frozen=True)
class Renderer:
    """One format of one document."""

    document: str
    format: str
    media_type: str
    render: RenderFunc
    description: str = ""

    @property
    def extension(self) -> str:
        return self.format


@dataclass(frozen=True)
class Rendered:
    """A rendered document: its bytes, its media type and the file name to offer."""

    content: bytes
    media_type: str
    filename: str


class UnknownFormat(LookupError):
    """No renderer is registered for this document and format."""


_RENDERERS: dict[tuple[str, str], Renderer] = {}
_loaded = False


def renderer(
    document: str, format: str, media_type: str, description: str = ""
) -> Callable[[RenderFunc], RenderFunc]:
    """Register the decorated function as the `format` renderer of `document`."""

    def register(func: RenderFunc) -> RenderFunc:
        _RENDERERS[(document, format)] = Renderer(document, format, media_type, func,
                                                  description)
        return func

    return register


def load_builtins() -> None:
    """Import the modules that register the built-in renderers (once)."""
    global _loaded
    if _loaded:
        return
    for name in BUILTIN_MODULES:
        importlib.import_module(name)
    _loaded = True


def get_renderer(document: str, format: str) -> Renderer:
    load_builtins()
    try:
        return _RENDERERS[(document, format)]
    except KeyError:
        known = ", ".join(formats(document)) or "không có"
        raise UnknownFormat(
            f"không có định dạng «{format}» cho {document} (có: {known})"
        ) from None


def formats(document: str) -> list[str]:
    """The formats `document` can be rendered in."""
    load_builtins()
    return sorted(fmt for doc, fmt in _RENDERERS if doc == document)


def renderers() -> list[Renderer]:
    """Every registered renderer."""
    load_builtins()
    return sorted(_RENDERERS.values(), key=lambda r: (r.document, r.format))


def render(document: str, format: str, data: Any) -> Rendered:
    """`data` (the document's data object, which knows its `filename_stem`) in `format`."""
    chosen = get_renderer(document, format)
    stem = getattr(data, "filename_stem", document)
    return Rendered(chosen.render(data), chosen.media_type, f"{stem}.{chosen.extension}")
