"""Benchmarks and evaluations that measure the product from outside; never imported by the service."""

"""Benchmarks and dev tools, outside the product packages: `python -m bench.<name>`."""
"""Benchmarks that live outside the product packages (`wayhome bench ...` finds them when installed)."""
