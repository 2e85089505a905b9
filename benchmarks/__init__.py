"""Benchmarks of the book: chapter run times, the book build, training throughput against a
tutorial-style DataLoader loop, widget latency and chapter 1's linear-AE / PCA ratio.

Run ``make bench`` (or ``python -m benchmarks.run --help``); the report goes to
``benchmarks/results/latest.md`` and ``latest.json``. Not part of ``make test``.
"""
