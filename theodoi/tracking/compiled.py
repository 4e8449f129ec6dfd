"""ORM reads compiled to SQL once and run again with other values.

A report's submission makes a dozen small reads of one row or one task's rows; the ORM
spends ~0.7 ms of Python building and compiling each one's SQL, more than the database
takes to answer it. `rows(build, *args)` builds the queryset once per database with
stand-in values, keeps its SQL, and afterwards only puts the real values in and runs it
(~0.15 ms), with the ORM's own converters applied to what comes back (SQLite's dates and
aware datetimes are the ORM's). The query stays written with the ORM, in one place.

The arguments that change from one run to the next are ints (ids), dates and strings,
compared for equality or order: a lookup that transforms its value (`__startswith`,
`__in` of a list whose length varies) cannot be compiled this way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable, ValuesListIterable

# Values no row holds, that mark where each argument lands among the SQL's parameters.
_INT_STAND_IN = -7_919_000_000_000
_DATE_STAND_IN = date(1111, 1, 1)


@dataclass
class _Plan:
    sql: str
    params: list[Any]
    slots: list[list[int]]  # for each argument, the parameters it fills
    kinds: list[type]
    converters: list[tuple[int, list[Callable], Any]]
    names: tuple[str, ...] | None  # values(): the keys of each row; values_list(): None


_PLANS: dict[Hashable, _Plan] = {}


def _adapt(value: Any, connection: Any) -> Any:
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _stand_in(kind: type, i: int) -> Any:
    if kind is date:
        return date(_DATE_STAND_IN.year, 1 + i, 1)
    if kind is str:
        return f"\u2063theodoi stand-in {i}\u2063"
    return _INT_STAND_IN - i


def _kind(value: Any) -> type:
    # A datetime is a date to isinstance(), but the ORM adapts it as a datetime (time zone,
    # SQLite's text form): it would reach the SQL as something else than its stand-in did.
    if isinstance(value, datetime):
        raise TypeError(f"a compiled query takes no datetimes: {value!r}")
    if isinstance(value, bool):
        raise TypeError(f"a compiled query takes no booleans: {value!r}")
    if isinstance(value, date):
        return date
    if isinstance(value, str):
        return str
    if isinstance(value, int):
        return int
    raise TypeError(f"a compiled query takes ints, dates and strings, not {value!r}")


def _compile(build: Callable[..., QuerySet], statics: tuple, kinds: list[type],
             using: str) -> _Plan:
    connection = connections[using]
    stand_ins = [_stand_in(kind, i) for i, kind in enumerate(kinds)]
    queryset = build(*statics, *stand_ins)
    if queryset._iterable_class not in (ValuesIterable, ValuesListIterable):
        raise TypeError("only values() and values_list() reads are compiled")
    query = queryset.query
    compiler = query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    params = list(params)
    slots = []
    for stand_in in stand_ins:
        wanted = _adapt(stand_in, connection)
        found = [j for j, p in enumerate(params) if type(p) is type(wanted) and p == wanted]
        if not found:
            raise ValueError(f"the argument {stand_in!r} does not reach the SQL unchanged")
        slots.append(found)
    fields = [s[0] for s in compiler.select[:compiler.col_count]]
    converters = [(pos, convs, expr) for pos, (convs, expr)
                  in compiler.get_converters(fields).items()]
    names = None
    if queryset._iterable_class is ValuesIterable:
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return _Plan(sql, params, slots, kinds, converters, names)


def rows(build: Callable[..., QuerySet], *args: int | date | str, statics: tuple = (),
         using: str = DEFAULT_DB_ALIAS) -> list[Any]:
    """The rows of `build(*statics, *args)` (a values() or values_list() queryset), its SQL
    compiled on the first call for this database and the same `statics` (models, names)."""
    connection = connections[using]
    kinds = [_kind(a) for a in args]
    key = (build, statics, tuple(kinds), using, connection.vendor)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _compile(build, statics, kinds, using)
    params = list(plan.params)
    for arg, slots in zip(args, plan.slots, strict=True):
        value = _adapt(arg, connection)
        for j in slots:
            params[j] = value
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        fetched = cursor.fetchall()
    if plan.converters:
        converted = []
        for row in fetched:
            row = list(row)
            for pos, convs, expr in plan.converters:
                value = row[pos]
                for convert in convs:
                    value = convert(value, expr, connection)
                row[pos] = value
            converted.append(row)
        fetched = converted
    if plan.names is not None:
        return [dict(zip(plan.names, row, strict=True)) for row in fetched]
    return [tuple(row) for row in fetched]
