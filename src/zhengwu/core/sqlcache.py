"""SQL of hot paths built once: a queryset compiled per database connection and run again with
new values, and single-row INSERT / UPDATE statements without the ORM's per-call compilation.

Building a statement is most of what the ORM costs on a short request: ``filter()`` clones the
query, resolves lookups and joins, and the compiler walks it all again to write the SQL, every
time, for a statement whose text never changes (on 提交 that was more CPU than the database's
work, docs/performance.md). The helpers here keep the ORM as the source of the SQL and of the
values' conversions, and skip only the rebuilding:

* ``CompiledQuery(build)``: ``build(**values)`` returns a queryset; it is called once per
  connection with stand-in values, compiled, and the positions of the stand-ins among the
  parameters are kept. ``first(**values)`` / ``rows(**values)`` run the SQL with the real
  values and build the rows as the queryset would (model instances with their
  ``select_related`` objects and annotations, or the tuples of ``values_list``). A value the
  ORM transforms on its way to the database (``contains`` wraps it in ``%``; SQLite stores
  datetimes as text) is not found among the parameters: such a query is not cached and runs
  through the ORM each time, with the same result.
* ``insert(obj)``: ``obj.save(force_insert=True)`` for a plain model (no parents, no
  ``pre_save``/``post_save`` receivers, no database defaults); the values still go through
  each field's ``pre_save`` (``auto_now_add``) and ``get_db_prep_save``.
* ``update(model, pk, values, where)``: ``filter(pk=..., **where).update(**values)`` for
  plain values (no expressions), as a statement built once per set of columns.
* ``combined(using)``: on PostgreSQL, the single-row writes of one step (a conditional
  UPDATE, then INSERTs) sent as **one statement** of data-modifying CTEs when the block ends
  (see ``Combined``): one round trip, and outside a transaction no BEGIN/COMMIT.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import secrets
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from typing import Any, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Model, QuerySet
from django.db.models import signals as _signals
from django.db.models.query import ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError

#: The stand-in values a build function receives, by kind of value: unlikely anywhere else
#: among the parameters of a query (each is checked to occur only where it was passed).
_INT_BASE = 7_300_000_000_000_000_000
_STR_MARK = "\x1fzhengwu-sqlcache:{}\x1f"
_DATETIME_BASE = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)


def _stand_in(kind: type, index: int) -> Any:
    if kind is int:
        return _INT_BASE + index
    if kind is str:
        return _STR_MARK.format(index)
    if kind is datetime.datetime:
        return _DATETIME_BASE + datetime.timedelta(microseconds=index)
    raise TypeError(f"sqlcache: no stand-in for values of type {kind.__name__}")


def _prepares(connection: Any) -> bool:
    return connection.vendor == "postgresql" and bool(
        getattr(settings, "ZHENGWU_DB_PREPARED_STATEMENTS", False)
    )


_preparing_cursor_class: Any = None


def _preparing_cursor() -> Any:
    """Django's server-binding psycopg cursor, preparing every statement it runs."""
    global _preparing_cursor_class
    if _preparing_cursor_class is None:
        from django.db.backends.postgresql.base import ServerBindingCursor
        from psycopg._queries import PostgresQuery, _query2pg

        class KeptQuery(PostgresQuery):
            # psycopg keeps the conversion of a query's text (``%s`` -> ``$1``) only for texts
            # up to 4,096 bytes with at most 50 parameters; a combined statement
            # (``Combined``) has more, but its text is one of a few fixed shapes: keep them.
            def convert(self, query: Any, vars: Any) -> None:
                if vars is None or not isinstance(query, str):
                    return super().convert(query, vars)
                encoding = self._tx.encoding
                self.query, self._want_formats, self._order, self._parts = _query2pg(
                    query.encode(encoding), encoding
                )
                self.dump(vars)
                return None

        class PreparingCursor(ServerBindingCursor):  # type: ignore[misc,valid-type]
            _query_cls = KeptQuery

            # psycopg.Cursor.execute(query, params, *, prepare=None, binary=None)
            def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
                kwargs.setdefault("prepare", True)
                return super().execute(query, params, **kwargs)  # type: ignore[misc]

        _preparing_cursor_class = PreparingCursor
    return _preparing_cursor_class


def cursor(connection: Any) -> Any:
    """A cursor of ``connection`` (Django's wrapper: query logging, error wrapping, the
    execute wrappers); on PostgreSQL with ``ZHENGWU_DB_PREPARED_STATEMENTS`` one that binds
    the parameters on the server and prepares the statement (psycopg keeps it per
    connection): a compiled query is then parsed and planned once per connection, not on
    every run (the 提交 read: 1.1 → 0.25 ms of the server's CPU)."""
    if not _prepares(connection):
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's automatic preparation off (poolers); the cursor here asks
        # for it explicitly, and Django's own cursors bind on the client and never prepare.
        raw.prepare_threshold = 1 << 30
    factory = raw.cursor_factory
    raw.cursor_factory = _preparing_cursor()  # this thread's connection only
    try:
        return connection.cursor()
    finally:
        raw.cursor_factory = factory


class _Compiled:
    """One connection's compiled form of a ``CompiledQuery`` (read-only once built)."""

    __slots__ = (
        "annotations",
        "converters",
        "db",
        "for_update",
        "from_db",
        "init_list",
        "model_slice",
        "models",
        "params",
        "populators",
        "positions",
        "sql",
    )

    def __init__(self, queryset: QuerySet[Any], positions: dict[str, list[int]]) -> None:
        from django.db.models.query import _get_from_db  # type: ignore[attr-defined]

        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.positions = positions
        self.for_update = bool(queryset.query.select_for_update)
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())
        self.models = queryset._iterable_class is ModelIterable
        if self.models:
            fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]
            select, klass_info = compiler.select, compiler.klass_info
            assert klass_info is not None
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.model_slice = slice(start, end)
            self.init_list = [f[0].target.attname for f in select[start:end]]
            self.from_db = _get_from_db(klass_info["model"], fetch_mode)
            self.populators = get_related_populators(klass_info, select, self.db, fetch_mode)
            self.annotations = dict(compiler.annotation_col_map or {})


class CompiledQuery:
    """A queryset compiled once per connection (see the module's description).

    ``kinds`` names the build function's arguments and the type of each (``int``, ``str`` or
    ``datetime.datetime``), e.g. ``CompiledQuery(lambda pk: Case.objects.filter(pk=pk),
    pk=int)``. Querysets whose rows are model instances or ``values_list`` tuples are
    supported; others (``values()``, ``flat`` lists, prefetches) run through the ORM.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: type) -> None:
        self.build = build
        self.kinds = kinds
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled | None] = (
            weakref.WeakKeyDictionary()
        )

    def _compile(self, connection: Any) -> _Compiled | None:
        stand_ins = {name: _stand_in(kind, i) for i, (name, kind) in enumerate(self.kinds.items())}
        queryset = self.build(**stand_ins)
        cacheable = (
            queryset._iterable_class is ModelIterable  # type: ignore[attr-defined]
            or queryset._iterable_class.__name__ == "ValuesListIterable"  # type: ignore[attr-defined]
        ) and not queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        if not cacheable or connections[queryset.db] is not connection:
            return None
        compiled = _Compiled(queryset, {})
        positions: dict[str, list[int]] = {name: [] for name in stand_ins}
        by_value = {
            (type(value), value): name for name, value in stand_ins.items()
        }  # bool/int never collide: stand-ins are large
        for index, param in enumerate(compiled.params):
            name = by_value.get((type(param), param))
            if name is not None:
                positions[name].append(index)
        if any(not found for found in positions.values()):
            return None  # a value transformed on its way to the database: not cacheable
        compiled.positions = positions
        return compiled

    def _get(self, using: str) -> _Compiled | None:
        connection = connections[using]
        try:
            return self._compiled[connection]
        except KeyError:
            pass
        compiled = self._compile(connection)
        self._compiled[connection] = compiled
        return compiled

    def sql(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> tuple[str, list[Any]] | None:
        """The SQL and parameters of the query with ``values`` (to use inside another
        statement), or ``None`` if the query is not cacheable."""
        compiled = self._get(using)
        if compiled is None:
            return None
        params = list(compiled.params)
        for name, indexes in compiled.positions.items():
            value = values[name]
            for index in indexes:
                params[index] = value
        return compiled.sql, params

    def _execute(self, values: Mapping[str, Any], using: str) -> tuple[_Compiled, list[Any]] | None:
        compiled = self._get(using)
        if compiled is None:
            return None
        connection = connections[using]
        if compiled.for_update and not connection.in_atomic_block:
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.params)
        for name, indexes in compiled.positions.items():
            value = values[name]
            for index in indexes:
                params[index] = value
        with cursor(connection) as c:
            c.execute(compiled.sql, params)
            rows = c.fetchall()
        if compiled.converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for position, (functions, expression) in compiled.converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
        return compiled, rows

    def _objects(self, compiled: _Compiled, rows: list[Any]) -> list[Any]:
        if not compiled.models:
            return [tuple(row) for row in rows]
        objects = []
        for row in rows:
            obj = compiled.from_db(compiled.db, compiled.init_list, row[compiled.model_slice])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        """Every row of the query run with ``values`` (model instances or tuples)."""
        done = self._execute(values, using)
        if done is None:
            return list(self.build(**values).using(using))
        return self._objects(*done)

    def first(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Any:
        """The first row of the query run with ``values``, or ``None``. The build function
        orders and limits the query as it needs (``[:1]``)."""
        found = self.rows(using, **values)
        return found[0] if found else None


# --- database values of plain fields --------------------------------------------------------------

#: A field's kind of values, kept on the field (``_zw_value_kind``): 1 text (``CharField``,
#: ``TextField``), 2 integer (the integer fields, a foreign key to an integer key), 3 boolean,
#: 0 anything else. Only these exact classes (no subclass: an encrypted or custom field
#: converts its values) and only on the databases below.
_PLAIN_VENDORS = frozenset({"postgresql", "sqlite"})


def _value_kind(field: Any) -> int:
    from django.db import models as m

    kind = type(field)
    if kind is m.CharField or kind is m.TextField:
        return 1
    target = field.target_field if kind is m.ForeignKey else field
    if type(target) in (m.AutoField, m.BigAutoField, m.SmallAutoField):
        return 2  # Django passes the int itself (``validate_autopk_value``)
    if type(target) in (
        m.IntegerField,
        m.PositiveIntegerField,
        m.PositiveSmallIntegerField,
        m.SmallIntegerField,
        m.BigIntegerField,
    ):
        field._zw_int_type = target.get_internal_type()
        return 4  # ``adapt_integerfield_value`` (psycopg's Int2/Int4/Int8 on PostgreSQL)
    if kind is m.BooleanField:
        return 3
    if kind is m.DateTimeField:
        return 5  # an aware ``datetime`` on PostgreSQL: the value itself
    if kind is m.GenericIPAddressField:
        return 6  # a text: its conversion, kept per text (audit rows: the client's address)
    return 0


#: ``GenericIPAddressField`` values by (vendor, ``unpack_ipv4``, text): Django's conversion
#: parses the text (``ipaddress``) on every save; the result (a text, an ``ipaddress`` object
#: or ``None``) is immutable. Bounded: cleared when full.
_ip_values: dict[tuple[str, bool, str], Any] = {}
_IP_VALUES_MAX = 4096


def db_value(field: Any, value: Any, connection: Any) -> Any:
    """``field.get_db_prep_save(value, connection)`` without Django's chain of calls for the
    plain cases, with the same result: ``None``, a ``str`` of a text field, an ``int`` of an
    integer field or key, a ``bool`` of a boolean field (PostgreSQL and SQLite), an aware
    ``datetime`` (PostgreSQL), an IP address's text (its conversion kept). Hot inserts convert
    sixty-odd values per 提交 this way."""
    kind = field.__dict__.get("_zw_value_kind")  # (a field's hash is a Python call)
    if kind is None:
        kind = field._zw_value_kind = _value_kind(field)
    if kind and connection.vendor in _PLAIN_VENDORS:
        if value is None:
            return None
        vtype = type(value)
        if kind == 1 and vtype is str:
            return value
        if vtype is int:
            if kind == 2:
                return value
            if kind == 4:
                return connection.ops.adapt_integerfield_value(value, field._zw_int_type)
        if kind == 3 and vtype is bool:
            return value
        if kind == 5:
            if (
                vtype is datetime.datetime
                and connection.vendor == "postgresql"
                and value.utcoffset() is not None
                and settings.USE_TZ
            ):
                return value  # ``adapt_datetimefield_value`` returns it as it is
        elif kind == 6 and vtype is str:
            key = (connection.vendor, field.unpack_ipv4, value)
            try:
                return _ip_values[key]
            except KeyError:
                if len(_ip_values) >= _IP_VALUES_MAX:
                    _ip_values.clear()
                found = _ip_values[key] = field.get_db_prep_save(value, connection)
                return found
    return field.get_db_prep_save(value, connection)


# --- single-row writes ---------------------------------------------------------------------------

_inserts: dict[tuple[type[Model], str, bool], Any] = {}


def _plain_insert(
    model: type[Model], using: str, pk_set: bool
) -> tuple[str, list[Any], bool] | None:
    meta = model._meta
    if (
        meta.parents
        or any(f.db_returning and not f.primary_key for f in meta.concrete_fields)
        or any(getattr(f, "generated", False) for f in meta.concrete_fields)
        or any(hasattr(f, "get_placeholder_sql") for f in meta.concrete_fields)
    ):
        return None
    connection = connections[using]
    fields = [f for f in meta.local_concrete_fields if pk_set or f is not meta.auto_field]
    pk = meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    returning = not pk_set and bool(connection.features.can_return_columns_from_insert)
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(
        quote(meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
        f" RETURNING {quote(str(pk.column))}" if returning else "",
    )
    return sql, fields, returning


def insert[M: Model](obj: M, using: str | None = None, *, signals: bool = True) -> M:
    """Write the new ``obj`` as ``obj.save(force_insert=True)`` would; return it with its id.

    Models with parents, save signals or columns the database fills in are saved by the ORM.
    ``signals=False``: the caller has done what the model's ``pre_save``/``post_save``
    receivers do, and the row is written without them.
    """
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    pk_set = obj.pk is not None
    key = (model, using, pk_set)
    try:
        statement = _inserts[key]
    except KeyError:
        statement = _inserts[key] = _plain_insert(model, using, pk_set)
    if statement is None or (
        signals
        and (_signals.pre_save.has_listeners(model) or _signals.post_save.has_listeners(model))
    ):
        obj.save(force_insert=True, using=using)
        return obj
    sql, fields, returning = statement
    connection = connections[using]
    cast(Any, obj)._prepare_related_fields_for_save(operation_name="save")
    values = [f.pre_save(obj, True) for f in fields]
    if any(hasattr(v, "resolve_expression") for v in values):
        obj.save(force_insert=True, using=using)
        return obj
    params = [db_value(f, v, connection) for f, v in zip(fields, values, strict=True)]
    batch = combining(using)
    if batch is not None:
        pk_column = str(cast(Any, model._meta.pk).column)
        batch.insert_row(
            model._meta.db_table, [str(f.column) for f in fields], params, obj, pk_column, pk_set
        )
        return obj
    # as the ORM's save: an error marks the caller's atomic block for rollback
    with transaction.mark_for_rollback_on_error(using), cursor(connection) as c:
        c.execute(sql, params)
        if not pk_set:
            obj.pk = (
                c.fetchone()[0]
                if returning
                else connection.ops.last_insert_id(
                    c, model._meta.db_table, cast(Any, model._meta.pk).column
                )
            )
    obj._state.adding = False
    obj._state.db = using
    return obj


def insert_values[M: Model](obj: M, columns: list[str], params: list[Any], using: str) -> M:
    """Write the new ``obj``, whose primary key is set, with its database values already
    converted (``params``, one per column of ``columns``): for a caller that converts only
    what changes from row to row. No signals; a part of a combined block's statement."""
    batch = combining(using)
    meta = obj._meta
    if batch is not None:
        batch.insert_row(meta.db_table, columns, params, obj, "", True)
        return obj
    connection = connections[using]
    sql = _insert_sql(connection.ops.quote_name, meta.db_table, tuple(columns))
    with transaction.mark_for_rollback_on_error(using), cursor(connection) as c:
        c.execute(sql, params)
    obj._state.adding = False
    obj._state.db = using
    return obj


@functools.lru_cache(maxsize=64)
def _insert_sql(quote: Callable[[str], str], table: str, columns: tuple[str, ...]) -> str:
    return "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )


_updates: dict[tuple[Any, ...], tuple[str, list[Any]] | None] = {}


def _plain_update(
    model: type[Model], using: str, names: tuple[str, ...], where: tuple[str, ...]
) -> tuple[str, list[Any]] | None:
    meta: Any = model._meta
    set_fields = [meta.get_field(name) for name in names]
    where_fields = [meta.pk, *(meta.get_field(name) for name in where)]
    if model._default_manager.get_queryset().query.where or any(
        hasattr(f, "get_placeholder_sql") for f in set_fields
    ):
        return None
    quote = connections[using].ops.quote_name
    sql = "UPDATE {} SET {} WHERE {}".format(
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in set_fields),
        " AND ".join(f"{quote(f.column)} = %s" for f in where_fields),
    )
    return sql, [*set_fields, *where_fields]


def update(
    model: type[Model],
    pk: Any,
    values: Mapping[str, Any],
    *,
    where: Mapping[str, Any] | None = None,
    using: str | None = None,
) -> int:
    """``model._default_manager.filter(pk=pk, **where).update(**values)``: the number of rows
    changed. Plain values only: expressions (``F``, ``Value`` …), a ``None`` in ``where`` and a
    model whose default manager filters rows go through the ORM."""
    where = where or {}
    using = using or router.db_for_write(model)
    key = (model, using, tuple(values), tuple(where))
    try:
        statement = _updates[key]
    except KeyError:
        statement = _updates[key] = _plain_update(model, using, key[2], key[3])
    if (
        statement is None
        or any(hasattr(v, "resolve_expression") for v in values.values())
        or any(v is None for v in where.values())
    ):
        return model._default_manager.using(using).filter(pk=pk, **where).update(**values)
    sql, fields = statement
    connection = connections[using]
    params = []
    for field, value in zip(fields, [*values.values(), pk, *where.values()], strict=True):
        if field.remote_field is not None and hasattr(value, "prepare_database_save"):
            value = value.prepare_database_save(field)
        params.append(db_value(field, value, connection))
    batch = combining(using)
    if batch is not None:  # the guard of the combined statement: 1 now, confirmed at its end
        batch.guard_update(sql, params, str(cast(Any, model._meta.pk).column))
        return 1
    with transaction.mark_for_rollback_on_error(using), cursor(connection) as c:
        c.execute(sql, params)
        return int(c.rowcount)


def pk_kind(model: type[Model]) -> type | None:
    """The kind of stand-in for ``model``'s primary key in a ``CompiledQuery`` (``int`` or
    ``str``), or ``None`` when it is neither (UUIDs …: use the ORM)."""
    pk = model._meta.pk
    internal = pk.get_internal_type() if pk is not None else ""
    if internal in {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
    }:
        return int
    if internal in {"CharField", "TextField"}:
        return str
    return None


# --- several writes as one statement -------------------------------------------------------------


class NotCombined(Exception):
    """The block of ``combined`` wrote nothing: a write in it cannot be combined, a statement
    was about to run on its own, or the guarding UPDATE matched no row. The caller does the
    same step the ordinary way (which refuses or succeeds as it always did)."""


_state = threading.local()
_PLACEHOLDER = re.compile(r"%%|%s")


_STAND_IN_DIGITS = len(str(_INT_BASE))
#: A combined block's stand-ins start at ``_INT_BASE`` plus a random number below this (every
#: one keeps 19 digits and fits a bigint).
_STAND_IN_SPAN = 10**18


def _is_stand_in_text(value: str) -> bool:
    """Whether ``value`` may be the text of a stand-in id (ASCII digits, its length)."""
    return len(value) == _STAND_IN_DIGITS and value.isascii() and value.isdigit()


def _json_types() -> tuple[type, type]:
    try:
        from psycopg.types.json import Json, Jsonb
    except ImportError:  # no psycopg: nothing is combined (PostgreSQL only)
        never = type("_NoJson", (), {})
        return (never, never)
    return (Json, Jsonb)


#: psycopg's JSON wrappers (Django passes JSON values as ``Jsonb``).
_JSON_TYPES = _json_types()


@functools.lru_cache(maxsize=256)
def _chunks(sql: str) -> list[str]:
    """``sql`` cut at its ``%s`` placeholders (``%%`` is kept as it is)."""
    chunks, start = [], 0
    for match in _PLACEHOLDER.finditer(sql):
        if match.group() == "%s":
            chunks.append(sql[start : match.start()])
            start = match.end()
    chunks.append(sql[start:])
    return chunks


@functools.lru_cache(maxsize=256)
def _substituted(sql: str, positions: tuple[int, ...], expressions: tuple[str, ...]) -> str:
    """``sql`` with its placeholders at ``positions`` replaced by ``expressions``."""
    chunks = _chunks(sql)
    replaced = dict(zip(positions, expressions, strict=True))
    out = [chunks[0]]
    for index, chunk in enumerate(chunks[1:]):
        out.append(replaced.get(index, "%s"))
        out.append(chunk)
    return "".join(out)


def combinable(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether ``combined(using)`` can be used: PostgreSQL (data-modifying CTEs), not already
    inside a combined block."""
    connection = connections[using]
    return connection.vendor == "postgresql" and combining(using) is None


def combining(using: str) -> Combined | None:
    """The combined block open on ``using`` in this thread, if any."""
    return cast("Combined | None", getattr(_state, using, None))


def after_write(using: str, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the writes so far are made: at once, or inside a combined block
    when its statement has run (never if it fails)."""
    batch = combining(using)
    if batch is None:
        callback()
    else:
        batch.done.append(callback)


def on_commit(callback: Callable[[], None], using: str, *, robust: bool = False) -> None:
    """``transaction.on_commit`` that, inside a combined block, is registered only once the
    block's statement has run (outside a transaction Django would run it at once, before
    the writes)."""
    after_write(using, lambda: transaction.on_commit(callback, using=using, robust=robust))


def on_fail(using: str, callback: Callable[[], None]) -> None:
    """Inside a combined block: ``callback`` undoes in Python what a write of the block set
    (an object's new state) when the statement is not made. Elsewhere nothing."""
    batch = combining(using)
    if batch is not None:
        batch.failed.append(callback)


class Combined:
    """The writes of one ``combined`` block: CTEs ``w0``, ``w1`` … of one statement.

    The first ``update`` of the block (a conditional single-row UPDATE, ``… RETURNING pk``)
    is its *guard*: every later INSERT selects ``FROM`` it, so when it matches no row nothing
    is written, and the block raises ``NotCombined`` after undoing what it set in Python. An
    INSERT's new primary key is not known before the statement runs: the object holds a
    stand-in (a random 19-digit base + n) meanwhile, and wherever a later write of the block
    passes that stand-in (an id, its text, inside a JSON value) the statement reads the id the
    earlier CTE returned instead (which also orders the writes). PostgreSQL runs every
    data-modifying CTE exactly once, all on the statement's snapshot (a row is changed at
    most once: one guard), and checks foreign keys after the rows of all CTEs exist (Django's
    are deferred to the commit).
    """

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.ctes: list[str] = []
        self.params: list[Any] = []
        self.outputs: list[tuple[str, list[str], Callable[[Any], None]]] = []
        self.guard: str | None = None
        self.pending: dict[int, tuple[str, str]] = {}  # stand-in -> (cte, pk column)
        self.done: list[Callable[[], None]] = []
        self.failed: list[Callable[[], None]] = []
        self.ids: dict[int, Any] = {}  # stand-in -> the id the statement returned
        # Stand-ins start at a random point of their range, so that no value a person typed
        # (an integer, its text, a number in JSON) can be taken for one.
        self.base = _INT_BASE + secrets.randbelow(_STAND_IN_SPAN)

    def resolve(self, value: Any) -> Any:
        """``value`` (ints, lists, dicts) with each stand-in replaced by its real id."""
        if type(value) is int:
            return self.ids.get(value, value)
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def _expression(self, value: Any) -> tuple[str, list[Any]]:
        """The SQL of one parameter: ``%s``, or the id an earlier CTE returned."""
        if self.pending:
            if isinstance(value, int) and type(value) is not bool and value in self.pending:
                cte, pk = self.pending[value]
                return f"(SELECT {pk} FROM {cte})", []
            if type(value) is str and _is_stand_in_text(value) and int(value) in self.pending:
                cte, pk = self.pending[int(value)]
                return f"(SELECT {pk}::text FROM {cte})", []
            if type(value) in _JSON_TYPES:  # psycopg's Json/Jsonb
                text = (value.dumps or json.dumps)(value.obj)
                expression, bound = "%s::text", [text]
                for stand_in, (cte, pk) in self.pending.items():  # every one it holds
                    if str(stand_in) in text:
                        expression = f"replace({expression}, %s, (SELECT {pk}::text FROM {cte}))"
                        bound.append(str(stand_in))
                if len(bound) > 1:
                    return f"{expression}::jsonb", bound
        return "%s", [value]

    def _holds_stand_in(self, value: Any) -> bool:
        kind = type(value)
        if kind is int:
            return value in self.pending
        if kind is dict:
            return any(self._holds_stand_in(v) for v in value.values())
        if kind is list or kind is tuple:
            return any(self._holds_stand_in(v) for v in value)
        return False

    def _bind(self, sql: str, params: list[Any]) -> tuple[str, list[Any]]:
        pending = self.pending
        if not pending:
            return sql, list(params)
        # the values that stand for an id of an earlier CTE (or hold one, JSON); inlined: a
        # block binds seventy-odd values per 提交
        refers = []
        json_types = _JSON_TYPES
        for index, value in enumerate(params):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                if (
                    len(value) == _STAND_IN_DIGITS
                    and value.isascii()
                    and value.isdigit()
                    and int(value) in pending
                ):
                    refers.append(index)
            elif kind is int or (isinstance(value, int) and kind is not bool):
                if value in pending:
                    refers.append(index)
            elif (kind is json_types[0] or kind is json_types[1]) and self._holds_stand_in(
                value.obj
            ):
                refers.append(index)
        if not refers:
            return sql, list(params)
        bound = list(params)
        expressions = []
        for index in reversed(refers):
            expression, more = self._expression(params[index])
            bound[index : index + 1] = more
            expressions.append(expression)
        expressions.reverse()
        return _substituted(sql, tuple(refers), tuple(expressions)), bound

    def add(
        self,
        sql: str,
        params: list[Any],
        *,
        returning: list[str] | None = None,
        on_done: Callable[[Any], None] | None = None,
    ) -> str:
        """Append the write ``sql`` (its ``%s`` placeholders bound to ``params``) as the next
        CTE; ``on_done`` receives its ``returning`` values (a tuple) after the statement ran.
        ``{source}`` in ``sql`` stands for ``FROM <guard>`` (nothing before a guard)."""
        name = f"w{len(self.ctes)}"
        sql = sql.replace("{source}", f" FROM {self.guard}" if self.guard else "")
        if returning:
            sql = f"{sql} RETURNING {', '.join(returning)}"
        sql, bound = self._bind(sql, params)
        self.ctes.append(f"{name} AS ({sql})")
        self.params.extend(bound)
        if returning and on_done is not None:
            self.outputs.append((name, returning, on_done))
        return name

    def guard_update(self, sql: str, params: list[Any], pk_column: str) -> None:
        if self.guard is not None:  # one guard per statement: a row is changed once
            raise NotCombined("a second UPDATE")
        quote = self.connection.ops.quote_name
        self.guard = self.add(f"{sql} RETURNING {quote(pk_column)}", params)

    def insert_row(
        self,
        table: str,
        columns: list[str],
        params: list[Any],
        obj: Any,
        pk_column: str,
        pk_set: bool,
    ) -> None:
        """``INSERT`` of one row of ``obj`` (``FROM`` the guard); a new ``obj.pk`` is a
        stand-in until the statement has run."""
        quote = self.connection.ops.quote_name
        sql = _insert_select(quote, table, tuple(columns))
        if pk_set:
            self.add(sql, params)
        else:
            stand_in = self.base + len(self.ctes)

            def made(row: tuple[Any, ...]) -> None:
                obj.pk = self.ids[stand_in] = row[0]

            name = self.add(
                sql,
                params,
                returning=[quote(pk_column)],
                on_done=made,
            )
            self.pending[stand_in] = (name, quote(pk_column))
            obj.pk = stand_in
            self.failed.append(lambda: setattr(obj, "pk", None))
        adding = obj._state.adding
        obj._state.adding, obj._state.db = False, self.connection.alias
        self.failed.append(lambda: setattr(obj._state, "adding", adding))

    def statement(self) -> tuple[str, list[Any]]:
        columns = []
        if self.guard is not None:
            columns.append(f"(SELECT count(*) FROM {self.guard})")
        for name, returning, _done in self.outputs:
            columns.extend(f"(SELECT {column} FROM {name})" for column in returning)
        return f"WITH {', '.join(self.ctes)} SELECT {', '.join(columns) or '1'}", self.params

    def execute(self) -> None:
        if not self.ctes:
            return
        sql, params = self.statement()
        with (
            transaction.mark_for_rollback_on_error(self.connection.alias),
            cursor(self.connection) as c,
        ):
            c.execute(sql, params)
            row = list(c.fetchone())
        if self.guard is not None and row.pop(0) != 1:
            raise NotCombined("the guarding UPDATE matched no row")
        for _name, returning, on_done in self.outputs:
            values, row = row[: len(returning)], row[len(returning) :]
            on_done(tuple(values))


def atomic(using: str) -> Any:
    """``transaction.atomic(using, savepoint=False)``; nothing inside a combined block (its
    statement is its own transaction)."""
    return (
        nullcontext()
        if combining(using) is not None
        else transaction.atomic(using=using, savepoint=False)
    )


@functools.lru_cache(maxsize=256)
def _insert_select(quote: Callable[[str], str], table: str, columns: tuple[str, ...]) -> str:
    return "INSERT INTO {} ({}) SELECT {}{{source}}".format(
        quote(table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )


def _refuse_other_statements(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
    raise NotCombined("a statement inside a combined block")


@contextmanager
def combined(using: str = DEFAULT_DB_ALIAS) -> Iterator[Combined]:
    """Make the writes of the block (``insert``, ``update``, audit events, the SMS outbox's
    rows …) one statement, sent when the block ends (PostgreSQL; check ``combinable``).

    Outside a transaction the statement is its own transaction: no BEGIN, no COMMIT, one WAL
    flush. Inside one it runs in a savepoint, as ``atomic()`` would. Nothing reaches the
    database before the end of the block: any other statement run inside it raises
    ``NotCombined`` instead, as does a write that cannot be combined and a guard that
    matches no row; then nothing has been written, what the writes set on their objects is
    undone, and the caller does the step the ordinary way. Other errors (an
    ``IntegrityError``) leave nothing written either."""
    if combining(using) is not None:  # one statement at a time: the outer block's
        raise NotCombined("a combined block inside another")
    connection = connections[using]
    batch = Combined(connection)
    setattr(_state, using, batch)
    connection.execute_wrappers.append(_refuse_other_statements)
    try:
        try:
            yield batch
        finally:
            connection.execute_wrappers.remove(_refuse_other_statements)
            setattr(_state, using, None)
        if connection.in_atomic_block:
            with transaction.atomic(using=using):
                batch.execute()
        else:
            batch.execute()
    except BaseException:
        for undo in reversed(batch.failed):
            undo()
        raise
    for callback in batch.done:
        callback()
