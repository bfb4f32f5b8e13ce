"""The Spark session settings the queries printed for Spark need (docs/batch.md, "On Spark").

Spark's defaults fit queries of a few levels; a question's query is a hundred levels of
nested steps with thousands of columns."""

from __future__ import annotations

SPARK_SETTINGS: dict[str, str] = {
    # The analyser resolves one level of nested steps per iteration: the longest queries are
    # deeper than its default limit of 100.
    "spark.sql.analyzer.maxIterations": "1000",
    # Dynamic partition pruning traces each join key down the chain of steps, expanding every
    # column into its definition: on the queries whose steps join the calendar it runs 2 GB
    # of driver memory out. The queries read no partitioned table.
    "spark.sql.optimizer.dynamicPartitionPruning.enabled": "false",
    # So does constraint propagation, which collects every alias of every step as a
    # constraint of the steps after it. It only infers filters: the answers are the same.
    "spark.sql.constraintPropagation.enabled": "false",
}
