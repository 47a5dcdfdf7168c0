"""Every page names its icon, and the icon is served."""

from __future__ import annotations

import re


def test_pages_link_an_svg_favicon_that_is_served(client):
    page = client.get("/auth/login")
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page.text)
    assert match, "no favicon link"
    with client.get(match.group(1)) as icon:  # a file response: closed after reading
        assert icon.status_code == 200
        assert icon.mimetype == "image/svg+xml"
        assert icon.get_data().lstrip().startswith(b"<svg")
