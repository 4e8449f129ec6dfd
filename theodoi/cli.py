"""The `theodoi` command line: one sub-command per job, each defined beside its code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

# Each entry adds its sub-commands to the parser; kept as import paths so that a command's
# dependencies are imported only when that command runs.
COMMAND_MODULES: tuple[str, ...] = (
    "theodoi.extract.commands",
    "theodoi.registry.commands",
    "theodoi.tracking.commands",
    "theodoi.tracking.indicator_commands",
    "theodoi.web.commands",
    "theodoi.web.api.commands",
    "theodoi.outputs.commands",
    "theodoi.notices.commands",
    "theodoi.ops.commands",
    "theodoi.jobs.commands",
)


class UserError(Exception):
    """A problem the user can fix (bad file, bad argument): printed as one line, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every module's sub-commands."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="theodoi", description="Theo dõi kế hoạch chuyển đổi số."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int | None] = args.handler
    try:
        return handler(args) or 0
    except UserError as exc:
        print(f"theodoi: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
