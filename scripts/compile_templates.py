"""Write the report template compiled ahead of time (run after editing rapport.html.j2).

A process then loads the compiled module's .pyc instead of parsing the template; when
the module is stale (another template text, Jinja version or option), the report
compiles the template itself, and tests/reports/test_compiled_template.py fails.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from telefonspor.reports.html import COMPILED_MODULE, compiled_module_text


def main() -> None:
    spec = importlib.util.find_spec(COMPILED_MODULE.rpartition(".")[0])
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)))
    target = folder / (COMPILED_MODULE.rpartition(".")[2] + ".py")
    target.write_text(compiled_module_text(), encoding="utf-8")
    print(f"skrevet: {target}")


if __name__ == "__main__":
    main()
