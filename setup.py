"""Builds the optional compiled loops of the scan (``dedupe/scan/_native.c``); metadata is in setup.cfg.

``optional=True``: where no C compiler is at hand the install still succeeds and the scan runs its
numpy code, which gives the same output (``dedupe.native``).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("dedupe.scan._native", ["dedupe/scan/_native.c"], optional=True,
                             extra_compile_args=["-O3"])])
