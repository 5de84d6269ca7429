"""Benchmarks and dev tools, outside the product packages: `python -m bench.<name>`."""
