"""Benchmarks and evaluations that measure the product from outside; never imported by the service."""
