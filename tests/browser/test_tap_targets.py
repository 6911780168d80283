"""On a phone (a coarse pointer), what is tapped is at least 24 px high and wide
(WCAG 2.2, 2.5.8): the disclosure rows, the leads' view switch, the board's cards, the
list checkboxes. Links inside a sentence are exempt, as the criterion says."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SMALL = """() => {
  const small = [];
  for (const el of document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main summary'
  )) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    const inText = el.tagName === 'A' && getComputedStyle(el).display === 'inline'
      && el.parentElement.textContent.trim().length > el.textContent.trim().length + 3;
    if (!inText && (box.width < 24 || box.height < 24)) {
      small.push(`${el.tagName} ${Math.round(box.width)}x${Math.round(box.height)} ${el.textContent.trim().slice(0, 30)}`);
    }
  }
  return small;
}"""


@pytest.mark.parametrize("path", ["/contacts/", "/meetings/", "/leads/", "/contacts/organizations/", "/accounts/settings/"])
def test_what_is_tapped_on_a_phone_is_big_enough(live_server, demo_page, path):
    demo_page.goto(live_server.url + path)
    demo_page.wait_for_load_state("load")
    assert demo_page.evaluate(SMALL) == []
