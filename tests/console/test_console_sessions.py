"""Console sessions and sign-in (issue 48 item 8): the wrong-key lock-out spares the right key, a session has an
absolute lifetime, its forms are bound to the browser that signed in, and a console read refuses bad input with the
status REST gives it."""

from __future__ import annotations

from typing import Any

from engineering_api.console.auth import CSRF_COOKIE, sessions_of
from tests.api.source_control_support import SC
from tests.console.conftest import csrf_of, sign_in
from tests.conftest import data


def test_the_wrong_key_lock_out_spares_the_right_key(client: Any, make_key: Any, services: Any) -> None:
    key = make_key("viewer")["X-API-Key"]
    budget = services.settings.auth_failures_per_minute
    answers = [sign_in(client, "eapi_wrong").status_code for _ in range(budget + 2)]
    assert answers[0] == 401 and answers[-1] == 429  # the address is past its budget of wrong keys
    answer = sign_in(client, key)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/project"
    assert client.get("/console/project").status_code == 200


def test_a_session_ends_after_its_absolute_lifetime_however_busy(client: Any, make_key: Any, services: Any) -> None:
    sign_in(client, make_key("viewer")["X-API-Key"])
    assert client.get("/console/project").status_code == 200
    assert services.settings.console_session_hours == 12.0  # the documented default
    store = sessions_of(services)
    for session in list(store._sessions.values()):  # as if signed in 12 h ago and clicking ever since
        session.signed_in -= services.settings.console_session_hours * 3600 + 1
    assert client.get("/console/project", follow_redirects=False).status_code == 303


def test_a_form_needs_the_csrf_cookie_of_the_browser_that_signed_in(client: Any, make_key: Any) -> None:
    """A token and cookie pair the session was not signed in with (one an attacker minted and planted by cookie
    tossing) is refused, although Litestar's double-submit check alone passes it."""
    assert sign_in(client, make_key("engineer")["X-API-Key"]).status_code == 303
    own_token, own_cookie = csrf_of(client.get("/console/project").text), client.cookies.get(CSRF_COOKIE)
    client.cookies.delete(CSRF_COOKIE)
    foreign_token = csrf_of(client.get("/console/project").text)  # a fresh pair: a cookie the server never bound
    assert client.cookies.get(CSRF_COOKIE) not in (None, own_cookie)
    refused = client.post("/console/signout", data={"_csrf_token": foreign_token}, follow_redirects=False)
    assert refused.status_code == 403 and "session" in refused.text
    client.cookies.delete(CSRF_COOKIE)
    client.cookies.set(CSRF_COOKIE, own_cookie)
    assert client.get("/console/project", follow_redirects=False).status_code == 200  # still signed in
    assert client.post("/console/signout", data={"_csrf_token": own_token}, follow_redirects=False).status_code == 303


def test_a_diff_with_a_too_long_revision_is_a_422_as_on_rest(client: Any, admin_headers: dict[str, str], cpu: Any,
                                                              make_key: Any) -> None:
    data(client.post(f"{SC}/init", headers=admin_headers))
    long = "a" * 300
    rest = client.get(f"{SC}/diff", params={"to": long}, headers=admin_headers)
    assert rest.status_code == 422, rest.text
    sign_in(client, make_key("viewer")["X-API-Key"])
    page = client.get("/console/history/diff", params={"to": long})
    assert page.status_code == 422, page.text[:300]
