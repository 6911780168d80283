"""reverse_pk and {% url %}: the links pages write by the hundred, the very URLs
reverse() gives."""

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, get_script_prefix, path, reverse, set_script_prefix

from netcrm.lib.urls import reverse_pk
from tests.factories import make_contact

NAMES = ["home:contact-detail", "referrals:children", "referrals:edit-referral",
         "meetings:meeting-detail", "followups:followup-detail", "imports:batch"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 42, 987654321, 2**63 - 1])
def test_it_gives_what_reverse_gives(name, pk):
    assert reverse_pk(name, pk) == reverse(name, args=[pk])


def test_it_follows_the_script_prefix_netcrm_is_served_under():
    before = get_script_prefix()
    assert reverse_pk("home:contact-detail", 5) == "/contacts/5/"
    try:
        set_script_prefix("/crm/")
        assert reverse_pk("home:contact-detail", 5) == "/crm/contacts/5/"
        assert reverse_pk("home:contact-detail", 5) == reverse("home:contact-detail", args=[5])
    finally:
        set_script_prefix(before)
    assert reverse_pk("home:contact-detail", 5) == "/contacts/5/"


@pytest.mark.django_db
def test_a_contacts_url_is_its_page(client_logged_in, user):
    contact = make_contact(user, "Ada Lovelace")
    assert contact.get_absolute_url() == reverse("home:contact-detail", args=[contact.pk])
    assert client_logged_in.get(contact.get_absolute_url()).context["contact"] == contact


# {% url %} (netcrm/templatetags/links.py, a builtin): a link without arguments is
# reversed once and kept, and still reads as Django's tag would write it.

urlpatterns = [path("elsewhere/login/", lambda request: None, name="login")]


def rendered(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_url_tag_gives_what_reverse_gives():
    for name in ("home:dashboard", "contacts:contact-list", "logout", "offline:manifest"):
        assert rendered(f"{{% url '{name}' %}}") == reverse(name)
        assert rendered(f"{{% url '{name}' %}}") == reverse(name)  # the kept one
    named = rendered("{% url name %}", name="meetings:log-meeting")
    assert named == reverse("meetings:log-meeting")
    assert rendered("{% url 'home:contact-detail' 7 %}") == reverse("home:contact-detail", args=[7])
    assert rendered("{% url 'login' as there %}[{{ there }}]") == f"[{reverse('login')}]"


def test_an_unknown_name_fails_as_djangos_tag_does():
    with pytest.raises(NoReverseMatch):
        rendered("{% url 'no-such-view' %}")
    assert rendered("{% url 'no-such-view' as there %}[{{ there }}]") == "[]"


def test_the_url_tag_follows_the_script_prefix_and_the_urlconf():
    assert rendered("{% url 'login' %}") == "/accounts/login/"
    before = get_script_prefix()
    try:
        set_script_prefix("/crm/")
        assert rendered("{% url 'login' %}") == "/crm/accounts/login/"
    finally:
        set_script_prefix(before)
    with override_settings(ROOT_URLCONF=__name__):
        assert rendered("{% url 'login' %}") == "/elsewhere/login/"
    assert rendered("{% url 'login' %}") == "/accounts/login/"
