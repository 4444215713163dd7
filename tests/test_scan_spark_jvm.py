"""``dedupe.scan.spark_jvm``: the class-data-sharing archive of Spark's classes, written by a first scan into
the cache folder, read by the next, without a word on the terminal and without changing the findings.

Whole ``dedupe scan --engine spark`` processes (a JVM of their own: the archive is written when a JVM
exits), on the five seed articles; about half a minute, most of it the first run's writing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark")

from dedupe.scan import spark_jvm  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def test_options_read_an_archive_write_one_only_when_allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    path = spark_jvm.archive_path()
    assert path is not None and path.parent == tmp_path / "spark-classes" and path.suffix == ".jsa"
    assert spark_jvm.options(write=False) == ("", None)
    extra, partial = spark_jvm.options(write=True)
    assert partial is not None and partial.parent == path.parent and partial != path
    assert extra == f"-XX:ArchiveClassesAtExit={partial} {spark_jvm.QUIET}"
    path.write_bytes(b"archive")
    assert spark_jvm.options(write=True) == (f"-XX:SharedArchiveFile={path} {spark_jvm.QUIET}", None)
    monkeypatch.setenv("DEDUPE_CACHE_DIR", "/proc/no-such-folder")  # cannot be made: run without
    assert spark_jvm.options(write=True) == ("", None)


def test_first_scan_writes_the_archive_and_the_next_reads_it_with_the_same_findings(tmp_path: Path) -> None:
    path = spark_jvm.archive_path()
    assert path is not None  # Spark runs here, so there is a Java
    env = dict(os.environ, DEDUPE_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "dedupe", "scan", str(ROOT / "data"), "--format", "json", "-q"]
    local = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    spark = [*command, "--engine", "spark", "--spark-master", "local[2]", "--partitions", "2"]
    for run in ("writes", "reads"):
        done = subprocess.run(spark, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout == local, run
        assert done.stderr == "", run  # -q: nothing about the archive, no warning, nothing of Spark's
        archives = sorted(p.name for p in (tmp_path / "cache" / "spark-classes").iterdir())
        assert archives == [path.name], run  # in place, no partial file left


def test_a_jvm_that_cannot_start_under_q_says_why_in_one_line(tmp_path: Path) -> None:
    """``-q`` gave the JVM /dev/null as stderr: a failed start ended with an internal error and no reason."""
    found = spark_jvm._java()
    assert found is not None  # Spark runs here, so there is a Java
    tools = tmp_path / "bin"  # the path's tools (bash, dirname... for Spark's launcher script) but no java
    tools.mkdir()
    for folder in dict.fromkeys(os.path.realpath(p) for p in os.environ["PATH"].split(os.pathsep) if os.path.isdir(p)):
        for tool in os.scandir(folder):
            if tool.name != "java" and not (tools / tool.name).exists():
                (tools / tool.name).symlink_to(tool.path)
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env.update(PATH=str(tools), PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "dedupe", "scan", str(ROOT / "data"), "--engine", "spark", "-q"]
    for home, reason in ((None, "JAVA_HOME is not set"),
                         ("/nonexistent", "/nonexistent/bin/java: No such file or directory")):
        done = subprocess.run(command, env=env if home is None else {**env, "JAVA_HOME": home},
                              capture_output=True, text=True, timeout=120)
        assert (done.returncode, done.stdout) == (2, ""), done.stderr[-2000:]
        assert done.stderr == f"Error: --engine spark: Java did not start: {reason}\n"


def test_the_reason_of_a_failed_start_is_its_last_line_that_is_no_follow_on() -> None:
    closing = ("Error: Could not create the Java Virtual Machine.\n"
               "Error: A fatal exception has occurred. Program will exit.\n")
    assert spark_jvm.start_failure("Picked up JAVA_TOOL_OPTIONS: -XX:+Nope\nUnrecognized VM option 'Nope'\n"
                                   + closing) == "Unrecognized VM option 'Nope'"
    trace = 'Exception in thread "main" java.net.BindException: Address in use\n\tat a.b.C.d(C.java:1)\n\t... 3 more\n'
    assert spark_jvm.start_failure(trace) == 'Exception in thread "main" java.net.BindException: Address in use'
    assert spark_jvm.start_failure("\n  \n") == ""
