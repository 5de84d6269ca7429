"""Benchmarks that live outside the product packages (`wayhome bench ...` finds them when installed)."""
