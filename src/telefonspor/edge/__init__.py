"""Edge code: where files, servers and processes meet the pure core.

``run`` reads a KLIK export and the chain and hands records to ``audit.run_audit``;
``bench`` times it (``make bench``). The import-linter contract in ``pyproject.toml``
keeps this package above the core and below the front ends (``cli``, ``web``).
"""
