"""`telefonspor audit` (written by the lead; placeholder until then)."""
