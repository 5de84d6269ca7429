"""Benchmarks and measurements that live outside the product packages."""
