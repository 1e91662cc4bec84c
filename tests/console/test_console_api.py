"""The console over Litestar's test client: sign-in and sign-out, CSRF, CSP, roles, audit, the block pages."""

from __future__ import annotations

import re

from lxml import etree

from tests.console.conftest import corpus_file, csrf_of, sign_in
from tests.conftest import data

SCL_FC = {"blockType": "FC", "name": "FC_Broken", "language": "SCL", "number": 30, "returnType": "Int",
          "interface": {"Input": [{"name": "r", "dataType": "String"}]},
          "networks": [{"scl": "#FC_Broken := 1;"}, {"scl": "#FC_Broken := 2;\n#FC_Broken := #r;"}]}


def _seed(client, headers) -> None:
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=headers))
    data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": "6ES7 516-3AN02-0AB0",
                                                                    "name": "PLC_1"}, headers=headers))
    lad = corpus_file("fc/mking2203_plcBlock_LAD_Block_3.xml").read_text(encoding="utf-8-sig")
    data(client.post("/api/devices/PLC_1/blocks", json={"rawXml": lad}, headers=headers))
    data(client.post("/api/blockgeneration/generate-and-import", json={"spec": SCL_FC, "deviceName": "PLC_1"},
                     headers=headers))


def test_sign_in_sets_a_strict_session_cookie_and_sign_out_revokes_it(client, make_key, services):
    key = make_key("engineer")["X-API-Key"]
    landing = client.get("/")
    assert landing.status_code == 200 and 'id="signin"' in landing.text
    policy = landing.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    answer = sign_in(client, key)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/project"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and key not in cookie
    stolen = client.cookies.get("console_session")
    assert client.get("/console/project").status_code == 200
    token = csrf_of(client.get("/console/project").text)
    assert client.post("/console/signout", data={"_csrf_token": token}, follow_redirects=False).status_code == 303
    # the server forgot the session: the old cookie is worth nothing
    client.cookies.set("console_session", stolen)
    assert client.get("/console/project", follow_redirects=False).status_code == 303


def test_a_wrong_key_is_refused_and_counted(client):
    answer = sign_in(client, "eapi_wrong")
    assert answer.status_code == 401 and "not valid" in answer.text
    assert client.get("/console/project", follow_redirects=False).headers["location"] == "/"


def test_every_form_needs_the_csrf_token(client, make_key):
    key = make_key("engineer")["X-API-Key"]
    client.get("/")
    assert client.post("/console/signin", data={"apiKey": key}, follow_redirects=False).status_code == 403
    assert sign_in(client, key).status_code == 303
    assert client.post("/console/signout", data={}, follow_redirects=False).status_code == 403


def test_revoking_the_key_ends_its_sessions(client, make_key, services):
    info, key = services.keys.create("short-lived", "viewer")
    sign_in(client, key)
    assert client.get("/console/project").status_code == 200
    services.keys.revoke(info.key_id)
    assert client.get("/console/project", follow_redirects=False).status_code == 303


def test_a_viewer_sees_no_write_button_and_the_server_refuses_the_write(client, admin_headers, make_key, services):
    _seed(client, admin_headers)
    sign_in(client, make_key("viewer")["X-API-Key"])
    page = client.get("/console/devices/PLC_1/blocks/FC_Broken")
    assert page.status_code == 200 and 'id="compile"' not in page.text
    refused = client.post("/console/devices/PLC_1/blocks/FC_Broken/compile", data={"_csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403 and "engineer" in refused.text
    rows = services.db.all("SELECT status, via, role FROM audit WHERE path LIKE '%/compile'")
    assert [tuple(r) for r in rows] == [(403, "console", "viewer")]


def test_project_tree_block_views_compile_diagnostics_and_downloads(client, admin_headers, make_key, services):
    _seed(client, admin_headers)
    sign_in(client, make_key("engineer")["X-API-Key"])
    project = client.get("/console/project").text
    assert "Line1" in project and "PLC_1" in project
    assert "/console/devices/PLC_1/blocks/Block_3" in project and "FC_Broken" in project
    # a name and its kind are two words to a reader, a screen reader and the clipboard (not "Block_3FC")
    text = "".join(etree.fromstring(project.encode(), etree.HTMLParser()).itertext())
    assert re.search(r"Block_3\s+FC \d+, LAD", text) and "Block_3FC" not in text
    lad = client.get("/console/devices/PLC_1/blocks/Block_3").text
    assert ('<svg class="network lad"' in lad and 'data-part="26"' in lad
            and "&#34;Tag_1&#34;" in lad.replace("&quot;", "&#34;"))
    page = client.get("/console/devices/PLC_1/blocks/FC_Broken")
    assert 'id="compile"' in page.text and 'id="n2-l2"' in page.text
    compiled = client.post("/console/devices/PLC_1/blocks/FC_Broken/compile", data={"_csrf_token": csrf_of(page.text)})
    assert compiled.status_code == 200 and 'id="compile-result"' in compiled.text
    # the error is under line 2 of network 2, and that line is marked
    assert 'class="line has-error" id="n2-l2"' in compiled.text
    assert "Error (line 2, column 15)" in compiled.text
    rows = services.db.all("SELECT status, via FROM audit WHERE path LIKE '%/compile'")
    assert [tuple(r) for r in rows] == [(200, "console")]
    xml = client.get("/console/devices/PLC_1/blocks/Block_3/simaticml")
    assert xml.headers["content-disposition"] == 'attachment; filename="Block_3.xml"' and "<FlgNet" in xml.text
    scl = client.get("/console/devices/PLC_1/blocks/FC_Broken/scl")
    assert scl.status_code == 200 and "FUNCTION" in scl.text


def test_rest_still_needs_its_key(client):
    assert client.get("/api/projects").status_code == 401
    assert client.get("/swagger").status_code == 200


def test_a_session_shares_its_keys_rate_limit(client, make_key, services):
    import dataclasses

    sign_in(client, make_key("viewer")["X-API-Key"])
    services.settings = dataclasses.replace(services.settings, rate_limit_per_minute=3)
    answers = [client.get("/console/project", follow_redirects=False).status_code for _ in range(5)]
    assert answers[:3] == [200, 200, 200] and answers[3:] == [429, 429]


def test_a_udt_shows_its_member_tree(client, admin_headers, cpu, make_key):
    udt = {"name": "UDT_Motor", "members": [{"name": "Speed", "dataType": "Real", "startValue": "1.5"},
                                             {"name": "Running", "dataType": "Bool", "comment": "on"}]}
    data(client.post("/api/devices/PLC_1/udts", json=udt, headers=admin_headers))
    sign_in(client, make_key("viewer")["X-API-Key"])
    assert "/console/devices/PLC_1/udts/UDT_Motor" in client.get("/console/project").text
    page = client.get("/console/devices/PLC_1/udts/UDT_Motor").text
    assert 'data-member="Speed"' in page and "1.5" in page and 'data-member="Running"' in page


def test_a_change_that_ends_without_its_handler_auditing_it_is_completed_not_left_started(
        client, admin_headers, make_key, services, monkeypatch):
    """The guard writes a change's record before it runs; a handler that raises unexpectedly, or Litestar's 400
    for a form it cannot read, still completes it with the status sent (500 when the handler broke)."""
    _seed(client, admin_headers)
    sign_in(client, make_key("engineer")["X-API-Key"])
    token = csrf_of(client.get("/console/devices/PLC_1/blocks/FC_Broken").text)

    async def broken(*_args, **_kwargs):
        raise RuntimeError("a defect, not an engineering error")

    monkeypatch.setattr("engineering_api.console.pages.run", broken)
    assert client.post("/console/devices/PLC_1/blocks/FC_Broken/compile",
                       data={"_csrf_token": token}).status_code == 500
    unreadable = client.post("/console/tests/run", content=b"--x\r\nnot a part",
                             headers={"content-type": "multipart/form-data; boundary=x", "x-csrftoken": token})
    assert unreadable.status_code == 400
    rows = services.db.all("SELECT path, status, outcome FROM audit WHERE via = 'console' ORDER BY rowid")
    assert [(r["path"].rsplit("/", 1)[-1], r["status"], r["outcome"]) for r in rows] == [
        ("compile", 500, "failed"), ("run", 400, "failed")], "one record each, completed with the status sent"


def test_the_project_page_lists_a_page_of_blocks_and_finds_past_it(client, admin_headers, make_key, monkeypatch):
    from engineering_api.console import pages

    _seed(client, admin_headers)
    monkeypatch.setattr(pages, "OBJECTS_PER_PAGE", 2)
    sign_in(client, make_key("viewer")["X-API-Key"])

    def listed(query: str) -> tuple[list[str], str]:
        page = client.get(f"/console/project?{query}")
        assert page.status_code == 200, query
        return re.findall(r'<li data-name="[^"]+"><a href="/console/devices/PLC_1/blocks/([^"]+)"', page.text), \
            "".join(re.findall(r"Page \d+ of \d+", page.text))

    # by name whatever its case, as TIA's project tree (Main is the OB 1 the PLC came with)
    assert listed("") == (["Block_3", "FC_Broken"], "Page 1 of 2")
    assert listed("page=2") == (["Main"], "Page 2 of 2")
    assert listed("page=7") == (["Main"], "Page 2 of 2"), "past the last page: the last page"
    assert listed("q=broken") == (["FC_Broken"], ""), "the server finds a block of another page"
    assert client.get("/console/project?page=0").status_code == 422
