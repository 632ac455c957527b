"""The package's layers are kept by import-linter contracts, not by a lint allowlist."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import telefonspor

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(telefonspor.__file__).parent


def _contracts() -> list[dict[str, object]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = data["tool"]["importlinter"]["contracts"]
    return contracts


def _layered_modules() -> set[str]:
    (layers,) = (c["layers"] for c in _contracts() if c["type"] == "layers")
    assert isinstance(layers, list)
    names: set[str] = set()
    for layer in layers:
        for sep in ("|", ":"):
            layer = layer.replace(sep, " ")
        names.update(layer.split())
    return names


def _top_level_modules() -> set[str]:
    found = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    found |= {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    return {f"telefonspor.{name}" for name in found}


def test_the_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_every_module_has_a_layer() -> None:
    """A new top-level module must be placed in the layers contract, or nothing checks it."""
    missing = _top_level_modules() - _layered_modules()
    assert not missing, f"add {sorted(missing)} to [tool.importlinter] layers in pyproject.toml"


def test_edge_code_is_out_of_the_core_level() -> None:
    top = _top_level_modules()
    for name in ("run", "progress", "bench"):
        assert f"telefonspor.{name}" not in top
    assert (PACKAGE / "edge" / "run.py").is_file()
    assert (PACKAGE / "edge" / "bench.py").is_file()
    assert (PACKAGE / "cli" / "progress.py").is_file()


def test_every_core_module_is_kept_free_of_io_libraries() -> None:
    """The forbidden contract covers the whole core, i.e. everything below the adapters."""
    (forbidden,) = (c for c in _contracts() if c["type"] == "forbidden")
    layers = next(c["layers"] for c in _contracts() if c["type"] == "layers")
    assert isinstance(layers, list)
    core_start = next(i for i, layer in enumerate(layers) if "telefonspor.audit" in layer)
    core: set[str] = set()
    for layer in layers[core_start:]:
        core.update(n for n in layer.replace("|", " ").replace(":", " ").split())
    pure = set(forbidden["source_modules"])  # type: ignore[call-overload]
    assert core <= pure, sorted(core - pure)
