"""The console's pages speak an engineer's words: no REST field name (``instanceName``, ``deviceName``…) in the
text a reader sees, error messages included (issue 93: the PLC page said "name one with instanceName")."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from engineering_api.lib.field_docs import COMMON
from tests.console.conftest import sign_in

REST_FIELDS = sorted(name for name in COMMON if re.search(r"[a-z][A-Z]", name))
"""The service's camelCase field names: what REST says and the console must not."""


def _visible(page: str) -> str:
    """The text a reader sees: no markup, attributes, scripts or styles."""
    tree = lxml_html.fromstring(page)
    for hidden in tree.xpath("//script|//style|//template"):
        hidden.drop_tree()
    return " ".join(tree.text_content().split())


def test_the_main_pages_name_no_rest_field(client, cpu, make_key):
    sign_in(client, make_key("engineer")["X-API-Key"])
    pages = ["/console/project", "/console/plc", "/console/devices/PLC_1/tag-tables/Default%20tag%20table",
             "/console/devices/PLC_1/blocks/Main", "/console/devices/PLC_1/cross-references?name=Main",
             "/console/jobs"]
    said = {}
    for url in pages:
        text = _visible(client.get(url).text)
        if found := [name for name in REST_FIELDS if re.search(rf"\b{name}\b", text)]:
            said[url] = found
    assert said == {}
