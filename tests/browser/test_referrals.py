"""The network page and the graph in real Chromium on a phone: open the tree, trace a
chain, tap a person in the drawing. No console error, nothing scrolls sideways."""

import re

import pytest
from playwright.sync_api import Page, expect

from contacts.models import Contact
from referrals.models import Progress, Referral
from tests.browser.test_screens import assert_fits_phone

pytestmark = pytest.mark.django_db(transaction=True)

# Who referred whom among the demo's contacts.
EDGES = [
    ("Sara Smith", "John Public", Progress.CONTACTED),
    ("Sara Smith", "Priya Raman", Progress.CONTACTED),
    ("John Public", "Alan Park", Progress.MET),
    ("Alan Park", "Rosa Alvarez", Progress.MET),
    ("Alan Park", "Emily Chen", Progress.CONTACTED),
    ("Linda Greene", "Ethan Wright", Progress.CONTACTED),
    ("Linda Greene", "Rachel Stone", Progress.MET),
    ("Ethan Wright", "Rachel Stone", Progress.MET),
    ("Jamie Rivera", "Grace Okafor", Progress.MET),
    ("Grace Okafor", "Luis Ortega", Progress.NOT_CONTACTED),
    ("Chloe Dubois", "Daniel Kim", Progress.MET),
    ("Michael Brown", "Aisha Mohammed", Progress.MET),
    ("Beth Collins", "Carlos Mendes", Progress.NOT_CONTACTED),
    ("Sam Patel", "Olivia Martin", Progress.CONTACTED),
    ("Daniel Kim", "Hannah Weiss", Progress.NOT_CONTACTED),
]


@pytest.fixture
def network(demo_page: Page) -> dict[str, Contact]:
    people = {c.name: c for c in Contact.objects.all()}
    demo_edges = Referral.objects.values_list("referrer__name", "referred__name", "progress")
    assert sorted(demo_edges) == sorted(EDGES)
    return people


def node(page: Page, contact: Contact):
    return page.locator(f'li.node[data-contact="{contact.pk}"]').first


def label_pixels(page: Page, selector: str) -> float:
    """The rendered font size of an SVG label, in CSS pixels of the screen."""
    return page.evaluate(
        """(selector) => {
            const text = document.querySelector(selector);
            const svg = text.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(getComputedStyle(text).fontSize) * scale;
        }""",
        selector,
    )


def test_open_the_tree_and_trace_a_chain(
    demo_page: Page, network, live_server, console_errors
):
    page = demo_page
    sara, john = network["Sara Smith"], network["John Public"]
    page.get_by_role("link", name="Network", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network")
    expect(page.locator('[data-count="referrals"]')).to_have_text(str(len(EDGES)))
    assert_fits_phone(page)

    # Open Sara: her people load under her, John among them; open John in turn.
    node(page, sara).locator(":scope > details > summary .badge.count").click()
    children = node(page, sara).locator(":scope > details > .children")
    expect(children.locator("li.node")).to_have_count(2)
    expect(children).to_contain_text("John Public")
    expect(children).to_contain_text("Priya Raman")
    expect(children.get_by_text("people Sara referred")).to_have_count(0)  # htmx swapped it
    node(page, john).locator(":scope > details > summary .badge.count").click()
    expect(node(page, john).locator(":scope > details > .children")).to_contain_text("Alan Park")
    # Closing folds it away again.
    node(page, sara).locator(":scope > details > summary .badge.count").click()
    expect(children).to_be_hidden()
    assert_fits_phone(page)

    # Find Rachel: both her chains, her name marked, the tree open down to her.
    page.get_by_label("Find a person in your network").fill("rach")
    result = page.locator("#network-search").get_by_role("link", name="Rachel Stone")
    expect(result).to_be_visible()
    assert "q=rach" in page.url
    result.click()
    expect(page.get_by_role("heading", name="How you reached Rachel Stone")).to_be_visible()
    chains = page.locator(".focus-panel p.net-chain")
    expect(chains).to_have_text([
        re.compile(r"You\s*→\s*Linda Greene\s*→\s*Rachel Stone"),
        re.compile(r"You\s*→\s*Linda Greene\s*→\s*Ethan Wright\s*→\s*Rachel Stone"),
    ])
    expect(page.locator(".focus-panel mark").first).to_have_text("Rachel Stone")
    linda = node(page, network["Linda Greene"])
    expect(linda).to_have_class(re.compile("on-path"))
    expect(linda.locator("li.node.focus")).to_have_count(2)
    expect(linda.locator("li.node.focus").first).to_be_visible()
    assert_fits_phone(page)

    # The chain's names lead to people's pages.
    chains.first.get_by_role("link", name="Linda Greene").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Linda Greene")
    assert console_errors == []


def test_graph_on_a_phone_and_tap_a_person(
    demo_page: Page, network, live_server, console_errors
):
    page = demo_page
    john, alan = network["John Public"], network["Alan Park"]
    page.goto(live_server.url + "/referrals/")
    page.get_by_role("link", name="Graph view").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network graph")
    in_network = {name for edge in EDGES for name in edge[:2]}
    expect(page.locator("svg a.node")).to_have_count(len(in_network))
    expect(page.locator("svg path.edge")).to_have_count(len(EDGES))
    assert_fits_phone(page)
    svg_width = page.locator(".graph svg").bounding_box()["width"]
    assert svg_width >= 340  # the drawing uses the phone's width
    assert label_pixels(page, ".graph text.name") >= 12.5
    assert label_pixels(page, ".graph text.org") >= 12

    page.locator(f'svg a.node[data-contact="{john.pk}"]').click()
    expect(page).to_have_url(re.compile(rf"/contacts/{john.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("John Public")

    # One person's neighbourhood: Alan highlighted, Sara two steps up, his people below.
    page.goto(f"{live_server.url}/referrals/graph/?contact={alan.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alan Park")
    expect(page.locator("svg a.node.focus")).to_have_count(1)
    expect(page.locator("svg a.node.focus title")).to_have_text("Alan Park · Juniper Software")
    expect(page.locator("svg a.node")).to_have_count(5)  # Sara, John, Alan, Rosa, Emily
    assert_fits_phone(page)
    page.locator(f'svg a.node[data-contact="{network["Rosa Alvarez"].pk}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa Alvarez")
    assert console_errors == []
