"""Names for the few statements written out in SQL (where the ORM cost more to build a statement
than the database to run it): tables and columns read from the models' meta, quoted, so that only
names of the project's own models are ever formatted into SQL; every value stays a parameter."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def table(model: type[models.Model]) -> str:
    """The quoted table of ``model``."""
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[models.Model], name: str) -> str:
    """The quoted column of a concrete field of ``model``."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None  # a concrete field
    return connection.ops.quote_name(field.column)


def select_values(
    model: type[models.Model], fields: tuple[str, ...], where: str, params: Sequence[Any]
) -> list[dict[str, Any]]:
    """``model.objects.filter(…).values(*fields)`` for a ``where`` written out in SQL (its values
    as parameters): the rows as dicts, each value converted by its field as the ORM converts it
    (decimals, dates), without building the statement through the ORM."""
    db_table = model._meta.db_table
    cols = []
    for name in fields:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        cols.append(field.get_col(db_table))
    converters = [
        (i, col, [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)])
        for i, col in enumerate(cols)
    ]
    converters = [entry for entry in converters if entry[2]]
    sql = "SELECT {} FROM {} WHERE {}".format(  # noqa: S608 (names from the models' meta; values are parameters)
        ", ".join(connection.ops.quote_name(col.target.column) for col in cols), table(model), where
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    out = []
    for raw in found:
        values = list(raw)
        for i, col, funcs in converters:
            for func in funcs:
                values[i] = func(values[i], col, connection)
        out.append(dict(zip(fields, values, strict=True)))
    return out
