"""A contact's page on a phone, in Chromium: their other emails and numbers (kept as
mailto: and tel: links) are read as addresses, one a line, each big enough to tap, and
none runs off the screen."""

from itertools import pairwise

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

LINES = """() => [...document.querySelectorAll('dl.facts dd.addresses a')].map(a => {
  const box = a.getBoundingClientRect();
  return {text: a.textContent, href: a.getAttribute('href'), top: box.top, bottom: box.bottom,
          height: box.height, width: box.width};
})"""


def test_other_addresses_read_as_addresses_on_a_phone(live_server, demo_page, console_errors):
    from contacts.models import Contact

    sara = Contact.objects.get(user__username="demo", name="Sara Smith")
    sara.links = (
        "mailto:ana.second@lima-consulting.example\ntel:+14155550188\n"
        "mailto:a.very.long.address.for.work@subsidiary.international-example.org"
    )
    sara.save()
    demo_page.goto(live_server.url + sara.get_absolute_url())
    demo_page.wait_for_load_state("load")
    links = demo_page.evaluate(LINES)
    assert [link["text"] for link in links] == [
        sara.email, "ana.second@lima-consulting.example",
        "a.very.long.address.for.work@subsidiary.international-example.org",
        sara.phone, "+1 415-555-0188",
    ]
    assert links[1]["href"] == "mailto:ana.second@lima-consulting.example"
    for above, below in pairwise(links):
        assert below["top"] >= above["bottom"]  # one a line, never side by side
    assert all(link["height"] >= 24 and link["width"] >= 24 for link in links)
    assert demo_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert console_errors == []
