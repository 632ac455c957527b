"""Moved: ``resultat.json`` is read by :mod:`telefonspor.reports.jsonin` (kept for old imports)."""

from telefonspor.reports.jsonin import load_result_json, read_result_json

__all__ = ["load_result_json", "read_result_json"]
