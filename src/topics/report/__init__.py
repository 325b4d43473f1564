"""The report: exports, reading lists and pages, all views of the report tables (data.py)."""
