"""The filters of the contact list open by themselves only when one of them is in use."""

import re

import pytest


@pytest.mark.parametrize(("query", "opened"), [
    ("", False), ("?q=giraud", False), ("?q=giraud&sort=name", False), ("?sort=name&page=1", False),
    ("?q=&kind=", False), ("?q=giraud&sort=name&beat=Politique", True), ("?kind=journalist", True),
])
def test_the_filters_open_only_when_one_is_used(client, login_as, query, opened):
    login_as("officer")
    page = client.get(f"/contacts/{query}").text
    details = re.search(r"<details[^>]*>", page).group(0)
    assert ("open" in details) is opened, details
