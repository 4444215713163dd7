"""The Python daemon of a local master's Spark workers, with the scan's modules imported once.

Spark starts one daemon (``python -m`` the module named by ``spark.python.daemon.module``) that forks a
Python worker per task slot. PySpark's own daemon imports next to nothing, so every forked worker imports
numpy and the scan's modules again when it unpickles its first function (about a second and a half of
processor time each on the development machine); this one imports them before it forks, so the workers
inherit them. :func:`dedupe.scan.spark.spark_context` names it for a local master unless set.

Spark puts its ``pyspark.zip`` first on the workers' path, and modules imported from a zip are compiled
from source on every import (a zip holds no bytecode cache): 2 to 3 processor seconds before the first
task. Zips go last here, so that pyspark is imported from the installed package, compiled once, where
the interpreter has it (the zip stays the fallback).
"""

if __name__ == "__main__":
    import sys

    sys.path.sort(key=lambda entry: entry.endswith(".zip"))  # stable: the order is kept otherwise
    import numpy  # noqa: F401
    import pyspark.worker  # noqa: F401
    from pyspark.daemon import manager

    import dedupe.scan.spark  # noqa: F401  # and through it every module a scan task calls

    manager()
