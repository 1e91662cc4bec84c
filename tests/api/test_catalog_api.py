"""Hardware catalog routes: find (exact, tolerant), search, cache status/load/build, images."""

from __future__ import annotations

from tests.conftest import CPU, assert_error, data, job_error, run_job


def _find(client, headers, number):
    return client.post("/api/catalog/actions/find-sync", json={"orderNumber": number}, headers=headers)


def _search(client, headers, **body):
    return client.post("/api/catalog/actions/search-sync", json=body, headers=headers)


def test_find_exact(client, viewer_headers):
    item = data(_find(client, viewer_headers, CPU))
    assert item["orderNumber"] == CPU
    assert item["name"] == "CPU 1516-3 PN/DP"
    assert item["family"] == "S7-1500"
    assert item["deviceKind"] == "plc"
    assert "V3.1" in item["firmwareVersions"]
    assert item["typeIdentifier"] == f"OrderNumber:{CPU}/V3.1"
    assert item["source"]["url"].startswith("http")
    assert item["source"]["title"]


def test_find_is_tolerant_of_spacing_case_and_type_identifier(client, viewer_headers):
    for spelling in ("6es7516-3an02-0ab0", " 6ES7 516-3AN02-0AB0 ", f"OrderNumber:{CPU}/V3.0"):
        assert data(_find(client, viewer_headers, spelling))["orderNumber"] == CPU


def test_find_unknown_is_404(client, viewer_headers):
    assert_error(_find(client, viewer_headers, "6ES7 000-0AA00-0AA0"), 404, "ARTICLE_NOT_FOUND")


def test_find_without_number_is_422(client, viewer_headers):
    assert_error(client.post("/api/catalog/actions/find-sync", json={}, headers=viewer_headers), 422)


def test_find_async(client, viewer_headers):
    job = run_job(client, "POST", "/api/catalog/actions/find", viewer_headers, json={"OrderNumber": CPU})
    assert job["status"] == "Completed"
    assert job["result"]["orderNumber"] == CPU
    job = run_job(client, "POST", "/api/catalog/actions/find", viewer_headers, json={"orderNumber": "nope"})
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "ARTICLE_NOT_FOUND"


def test_search_by_keyword_and_partial_number(client, viewer_headers):
    hits = data(_search(client, viewer_headers, query="1516"))
    assert hits[0]["item"]["orderNumber"].startswith("6ES7 516")
    assert all(0 < h["score"] <= 1 for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    hits = data(_search(client, viewer_headers, query="6ES7 516-3A"))
    assert {h["item"]["orderNumber"] for h in hits[:2]} == {"6ES7 516-3AN02-0AB0", "6ES7 516-3AP03-0AB0"}
    hits = data(_search(client, viewer_headers, query="comfort panel", limit=3))
    assert len(hits) <= 3
    assert all("Comfort" in h["item"]["name"] for h in hits)


def test_search_exact_number_scores_highest(client, viewer_headers):
    hits = data(_search(client, viewer_headers, query=CPU))
    assert hits[0]["item"]["orderNumber"] == CPU
    assert hits[0]["score"] == 1.0


def test_search_errors(client, viewer_headers):
    assert_error(_search(client, viewer_headers, query="  "), 422, "EMPTY_QUERY")
    assert_error(_search(client, viewer_headers, query="cpu", limit=0), 422)
    assert_error(_search(client, viewer_headers, query="cpu", limit=501), 422)
    assert_error(_search(client, viewer_headers), 422)


def test_search_async(client, viewer_headers):
    job = run_job(client, "POST", "/api/catalog/actions/search", viewer_headers, json={"Query": "IM 155-6", "Limit": 5})
    assert job["status"] == "Completed"
    assert job["result"] and all("IM 155-6" in h["item"]["name"] for h in job["result"][:3])
    job = run_job(client, "POST", "/api/catalog/actions/search", viewer_headers, json={"query": ""})
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "EMPTY_QUERY"


def test_cache_status_load_build(client, viewer_headers, engineer_headers):
    status = data(client.get("/api/catalog/cache/status", headers=viewer_headers))
    loaded = data(client.post("/api/catalog/cache/load", headers=engineer_headers))
    assert loaded["loaded"] is True
    assert loaded["entryCount"] >= 60
    assert loaded["families"]["S7-1500"] > 0
    assert sum(loaded["families"].values()) == loaded["entryCount"]
    if status["loaded"]:
        assert status["entryCount"] == loaded["entryCount"]
    built = data(client.post("/api/catalog/cache/build", headers=engineer_headers))
    assert built["entryCount"] == loaded["entryCount"]
    assert built["builtAt"] >= loaded["builtAt"]
    assert data(client.get("/api/catalog/cache/status", headers=viewer_headers))["builtAt"] == built["builtAt"]


def test_cache_changes_need_engineer(client, viewer_headers):
    assert_error(client.post("/api/catalog/cache/load", headers=viewer_headers), 403)
    assert_error(client.post("/api/catalog/cache/build", headers=viewer_headers), 403)
    assert_error(client.get("/api/catalog/cache/status"), 401)


def test_image_is_svg(client, viewer_headers):
    response = client.get(f"/api/catalog/images/{CPU}", headers=viewer_headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg")
    assert "CPU 1516-3 PN/DP" in response.text


def test_image_of_an_unknown_article_is_404(client, viewer_headers):
    assert_error(client.get("/api/catalog/images/6ES7%20000-0AA00-0AA0", headers=viewer_headers), 404,
                 "ARTICLE_NOT_FOUND")


def test_image_needs_a_key(client):
    assert_error(client.get(f"/api/catalog/images/{CPU}"), 401)


# ----- which firmware a TIA Portal version configures (issue 13; engineering_api/rules/catalog/tia_versions.json)
def _project_in(client, headers, version: str) -> None:
    data(client.post("/api/instance/actions/detach", headers=headers))
    data(client.post("/api/instance/actions/launch", json={"version": version}, headers=headers))
    data(client.post("/api/projects/actions/create-sync", json={"name": f"P{version}"}, headers=headers))


def _add(client, headers, name: str, version: str | None = None, order_number: str = CPU):
    body = {"orderNumber": order_number, "name": name, **({"version": version} if version else {})}
    return client.post("/api/projects/devices/actions/add-sync", json=body, headers=headers)


def test_a_v17_project_refuses_s7_1500_firmware_v3_1(client, engineer_headers):
    h = engineer_headers
    _project_in(client, h, "V17")
    error = assert_error(_add(client, h, "PLC_1", "V3.1"), 422, "FIRMWARE_REQUIRES_V19")
    assert error["details"]["minimumTiaVersion"] == "V19"
    assert error["details"]["usableFirmware"] == ["V2.5", "V2.6", "V2.8", "V2.9"]
    assert "needs TIA Portal V19" in error["message"]
    assert_error(_add(client, h, "PLC_1", "V3.0"), 422, "FIRMWARE_REQUIRES_V18")
    assert_error(_add(client, h, "PLC_1", None, f"OrderNumber:{CPU}/V3.1"), 422, "FIRMWARE_REQUIRES_V19")
    assert data(_add(client, h, "PLC_1"))["firmwareVersion"] == "V2.9"  # TIA V17's catalog ends at V2.9
    assert data(_add(client, h, "PLC_2", "V2.9"))["firmwareVersion"] == "V2.9"


def test_the_project_version_decides_not_the_portal_default(client, engineer_headers):
    h = engineer_headers
    _project_in(client, h, "V19")
    assert data(_add(client, h, "PLC_1", "V3.1"))["firmwareVersion"] == "V3.1"
    assert data(_add(client, h, "PLC_2"))["firmwareVersion"] == "V3.1"


def test_s7_1200_and_hmi_device_versions_follow_the_tia_version(client, engineer_headers):
    h = engineer_headers
    _project_in(client, h, "V17")
    assert_error(_add(client, h, "PLC_1", "V4.7", "6ES7 214-1AG40-0XB0"), 422, "FIRMWARE_REQUIRES_V19")
    assert data(_add(client, h, "PLC_1", None, "6ES7 214-1AG40-0XB0"))["firmwareVersion"] == "V4.5"
    assert_error(_add(client, h, "G2", None, "6ES7 214-1AH50-0XB0"), 422, "FIRMWARE_REQUIRES_V20")  # S7-1200 G2
    assert data(_add(client, h, "IO_1", None, "6ES7 155-6AU01-0BN0"))["firmwareVersion"] == "V4.2"  # not restricted
    assert data(_add(client, h, "HMI_1", None, "6AV2 124-0GC01-0AX0"))["firmwareVersion"] == "17.0.0.0"
    assert_error(_add(client, h, "HMI_2", None, "6AV2 128-3GB06-0AX1"), 422, "FIRMWARE_REQUIRES_V19")  # Unified
