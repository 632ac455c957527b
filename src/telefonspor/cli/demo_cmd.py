"""`telefonspor demo` (written by the lead; placeholder until then)."""
