"""Load benchmark: real HTTP flows against gunicorn on this machine (see docs/benchmarks.md)."""
