"""Finding TIA Portal in the registry, V21's modular assemblies, runtime selection and the resolver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from openness_bridge.loader import INSTALLED_SW_KEY, assembly_paths, find_installations, load_runtime
from tests.bridge.conftest import require_standin


def _registry(entries: dict[int, str]):
    keys = {INSTALLED_SW_KEY.format(major=m): path for m, path in entries.items()}
    return keys.get


def test_versions_come_from_installed_sw_keys() -> None:
    found = find_installations(
        _registry({17: r"C:\Program Files\Siemens\Automation\Portal V17", 19: r"D:\TIA\Portal V19"}),
        exists=lambda p: False,
    )
    assert [i.version for i in found] == ["V17", "V19"]
    assert found[0].assemblies == (r"C:\Program Files\Siemens\Automation\Portal "
                                   r"V17\PublicAPI\V17\Siemens.Engineering.dll",)
    assert found[1].assemblies == (r"D:\TIA\Portal V19\PublicAPI\V19\Siemens.Engineering.dll",)
    assert r"D:\TIA\Portal V19\Bin\PublicAPI" in found[1].search_dirs


def test_v21_is_modular() -> None:
    base = r"C:\Program Files\Siemens\Automation\Portal V21"
    present = {rf"{base}\PublicAPI\V21\net48\Siemens.Engineering.Step7.dll"}
    assemblies, dirs = assembly_paths(21, base, exists=present.__contains__)
    assert assemblies == (
        rf"{base}\PublicAPI\V21\net48\Siemens.Engineering.Base.dll",
        rf"{base}\PublicAPI\V21\net48\Siemens.Engineering.Step7.dll",
    )
    assert dirs[0] == rf"{base}\PublicAPI\V21\net48"


def test_only_v17_to_v21_are_looked_for() -> None:
    asked: list[str] = []

    def read_path(key: str) -> None:
        asked.append(key)

    find_installations(read_path, exists=lambda p: False)
    assert asked == [INSTALLED_SW_KEY.format(major=m) for m in (17, 18, 19, 20, 21)]


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows answer")
def test_no_registry_off_windows() -> None:
    assert find_installations() == []


def test_runtime_is_chosen_once(bridge) -> None:
    assert load_runtime() == "mono"  # the stand-in loaded it already: idempotent
    with pytest.raises(RuntimeError, match="cannot be loaded in the same process"):
        load_runtime("netfx")


def test_the_resolver_finds_dependent_assemblies_in_the_tia_folders(bridge, tmp_path: Path) -> None:
    """A public API assembly whose dependency sits in another folder (as Bin\\PublicAPI) still loads."""
    require_standin()
    import clr

    from openness_bridge.loader import _install_resolver

    dep_dir, api_dir = tmp_path / "Bin", tmp_path / "PublicAPI"
    dep_dir.mkdir()
    api_dir.mkdir()
    (tmp_path / "Dep.cs").write_text("namespace ResolverDep { public static class D { public static string Hello() { "
                                     "return \"dep\"; } } }")
    (tmp_path / "Main.cs").write_text(
        "namespace ResolverMain { public static class M { public static string Call() { return ResolverDep.D.Hello(); "
        "} } }"
    )
    subprocess.run(["mcs", "-target:library", "-nologo", f"-out:{dep_dir / 'ResolverDep.dll'}",
                    str(tmp_path / "Dep.cs")], check=True)
    subprocess.run(
        ["mcs", "-target:library", "-nologo", f"-r:{dep_dir / 'ResolverDep.dll'}",
         f"-out:{api_dir / 'ResolverMain.dll'}",
         str(tmp_path / "Main.cs")], check=True,
    )
    resolved: list[str] = []
    _install_resolver([str(dep_dir)], resolved)
    clr.AddReference(str(api_dir / "ResolverMain.dll"))
    from ResolverMain import M

    assert M.Call() == "dep"
    assert resolved == [str(dep_dir / "ResolverDep.dll")]


def test_the_factory_refuses_off_windows() -> None:
    if sys.platform == "win32":
        pytest.skip("on Windows the answer depends on the installed TIA Portal")
    from engineering_api.config import Settings
    from openness_bridge import BridgeUnavailableError, create_openness_backend

    with pytest.raises(BridgeUnavailableError, match="only on Windows"):
        create_openness_backend(Settings())
