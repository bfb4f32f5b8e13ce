"""The SQL back end: each question's plan as one query over a table of cases
(``clausec emit --target sql``, ``clausec batch``; docs/batch.md).

``lowering`` prints plan operations as SQL columns, ``graph`` turns those columns into the
steps of one query, ``query`` adds the input and output columns, ``calendar`` the working-day
table and ``dates`` the integer date arithmetic; ``names`` is the only way a contract's texts
and names reach SQL. sqlglot prints the tree in each dialect; ``spark`` holds the settings a
Spark session needs for the queries."""

from clausec.backends.sql.errors import SQLError, Unsupported
from clausec.backends.sql.query import (
    DIALECTS,
    RESULT_COLUMNS,
    AsOf,
    AsOfColumn,
    QuestionSQL,
    column_type,
    input_columns,
    question_sql,
)
from clausec.backends.sql.spark import SPARK_SETTINGS

__all__ = [
    "DIALECTS",
    "RESULT_COLUMNS",
    "SPARK_SETTINGS",
    "AsOf",
    "AsOfColumn",
    "QuestionSQL",
    "SQLError",
    "Unsupported",
    "column_type",
    "input_columns",
    "question_sql",
]
