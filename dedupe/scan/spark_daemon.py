"""The Python daemon of a local master's Spark workers, with the scan's modules imported once.

Spark starts one daemon (``python -m`` the module named by ``spark.python.daemon.module``) that forks a
Python worker per task slot. PySpark's own daemon imports next to nothing, so every forked worker imports
numpy and the scan's modules again when it unpickles its first function (about a second and a half of
processor time each on the development machine); this one imports them before it forks, so the workers
inherit them. :func:`dedupe.scan.spark.spark_context` names it for a local master unless set.

Spark puts its ``pyspark.zip`` first on the workers' path, and modules imported from a zip are compiled
from source on every import (a zip holds no bytecode cache): 2 to 3 processor seconds before the first
task. Zips go last here, so that pyspark is imported from the installed package, compiled once, where
the interpreter has it (the zip stays the fallback); when pyspark and py4j both came from installed
packages the zips are dropped from the path, since each worker's first task asks every finder on it to
refresh (``importlib.invalidate_caches``), which reads a zip's whole directory again (half a second a
worker).

The imported objects are then frozen out of the garbage collector (``gc.freeze``): a reused worker runs a
full collection after every task, and in a forked process that touches, and so copies, every page holding
an inherited object (40-70 ms a task, about two processor seconds over a scan of Reuters x10).
"""

if __name__ == "__main__":
    import gc
    import sys

    sys.path.sort(key=lambda entry: entry.endswith(".zip"))  # stable: the order is kept otherwise
    import numpy  # noqa: F401
    import py4j
    import pyspark.worker
    from pyspark.daemon import manager

    import dedupe.scan.spark  # noqa: F401  # and through it every module a scan task calls

    if not any(".zip" in (module.__file__ or "") for module in (pyspark, py4j)):
        for entry in [entry for entry in sys.path if entry.endswith(".zip")]:
            sys.path.remove(entry)
            sys.path_importer_cache.pop(entry, None)
    gc.freeze()
    manager()
