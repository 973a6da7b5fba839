"""Benchmarks of learninspy against the tools users would pick instead (run: make bench)."""
