"""Participation reports: data first (rows and totals); HTML, CSV, XLSX and SVG are views over them.

Submodules: `labels` (breakdown labels), `units` (totals, child and member rows),
`breakdowns`, `trend`, `overview`, `items` (item analysis), `tables` (exports).
"""
