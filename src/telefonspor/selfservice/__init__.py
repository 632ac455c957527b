"""Employees register their own number: links, validation, approval and writing it back."""
