"""The generated reference pages match the code (``make docs`` rewrites them)."""

from __future__ import annotations

from tools import reference_pages


def test_the_cli_reference_lists_every_command() -> None:
    page = reference_pages.CLI_PAGE.read_text(encoding="utf-8")
    assert page == reference_pages.cli_page(), "run make docs and commit docs/cli-reference.md"
    for command in ("serve", "agent", "mcp", "keys create", "scl check", "plc check", "test run"):
        assert f"`engineering-api {command}`" in page


def test_the_route_table_lists_every_operation() -> None:
    page = reference_pages.ROUTES_PAGE.read_text(encoding="utf-8")
    assert page == reference_pages.routes_page(), "run make docs and commit docs/routes.md"
    assert "| GET | `/api/health` |" in page


def test_diagnostic_codes_page_matches_the_registry() -> None:
    page = reference_pages.CODES_PAGE.read_text(encoding="utf-8") if reference_pages.CODES_PAGE.exists() else ""
    assert page == reference_pages.diagnostic_codes_page(), "run make docs and commit docs/diagnostic-codes.md"


def test_the_openness_member_page_matches_its_data() -> None:
    page = reference_pages.MEMBERS_PAGE.read_text(encoding="utf-8") if reference_pages.MEMBERS_PAGE.exists() else ""
    assert page == reference_pages.openness_members_page(), "run make docs and commit docs/openness-members.md"
    assert "| `TiaPortal(TiaPortalMode tiaPortalMode)` | `launch_portal` |" in page
