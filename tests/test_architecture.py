"""The direction of imports (docs/DESIGN.md "Python packages"): the import-linter contracts of
pyproject.toml hold, and every module of the project sits in a layer of them."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
MAX_MODULE_LINES = 400
# The synthetic-sample generator and the benchmarks are being reworked by their own issue (17).
SIZE_EXEMPT: tuple[str, ...] = ()


def layered_modules() -> set[str]:
    layers = next(c for c in CONFIG["contracts"] if c["type"] == "layers")["layers"]
    return {m.strip() for layer in layers for m in layer.replace(":", "|").split("|")}


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert f"Contracts: {len(CONFIG['contracts'])} kept, 0 broken." in done.stdout


def test_every_module_sits_in_a_layer():
    """A new top-level module or package must be placed in the layers (a module outside every
    layer would escape the contract)."""
    layered = layered_modules()
    assert set(CONFIG["root_packages"]) <= {m.split(".")[0] for m in layered}
    unplaced = []
    for root in CONFIG["root_packages"]:
        if any(m == root for m in layered):
            continue
        for path in sorted((ROOT / root).iterdir()):
            if path.name.startswith(("_", ".")) or not (path.suffix == ".py" or (path / "__init__.py").exists()):
                continue
            module = f"{root}.{path.stem if path.suffix == '.py' else path.name}"
            if module not in layered:
                unplaced.append(module)
    assert not unplaced, f"not in any layer of [tool.importlinter]: {unplaced}"


def test_every_view_is_in_the_navigation():
    from streamlit_app.navigation import PAGES, VIEWS_DIR

    assert sorted(file for file, *_ in PAGES) == sorted(p.name for p in VIEWS_DIR.glob("*.py") if p.name != "__init__.py")


def test_modules_stay_small_or_say_why():
    """No module over ~400 lines without a one-line reason at its top ("Long because …")."""
    long = []
    for root in CONFIG["root_packages"]:
        for path in sorted((ROOT / root).rglob("*.py")):
            if str(path.relative_to(ROOT)).startswith(SIZE_EXEMPT):
                continue
            text = path.read_text(encoding="utf-8")
            if text.count("\n") > MAX_MODULE_LINES and "Long because" not in text[:2000]:
                long.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not long, "split these modules or give the reason at their top: " + ", ".join(long)
