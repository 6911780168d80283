"""Log-in throttling (django-axes): repeated failures lock an account, or an address,
for a while; the login page and the admin's say until when."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
PASSWORD = "correct-horse-battery"
LIMIT = 5  # AXES_FAILURE_LIMIT's default
COOL_OFF = timedelta(minutes=15)  # AXES_COOLOFF_MINUTES's default
LOCKED = "Too many failed attempts to log in"


def log_in(client, username, password, ip="192.0.2.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def is_logged_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_a_few_mistakes_are_allowed(client, user):
    for _ in range(LIMIT - 1):
        response = log_in(client, "alice", "wrong")
        assert "Please enter a correct username and password" in response.text
        assert LOCKED not in response.text

    response = log_in(client, "alice", PASSWORD)

    assert response.url == reverse("home:dashboard")
    assert is_logged_in(client, user)


def test_repeated_failures_lock_the_account_from_any_address(client, user):
    # A guesser spreading attempts over many addresses still trips the account's limit.
    for n in range(LIMIT):
        log_in(client, "alice", f"guess-{n}", ip=f"198.51.100.{n}")

    response = log_in(client, "alice", PASSWORD, ip="203.0.113.9")  # right password, fresh address

    assert response.status_code == 429
    assert LOCKED in response.text
    assert not is_logged_in(client, user)
    # Another account from the same addresses is not affected.
    bob = make_user("bob")
    assert log_in(client, "bob", PASSWORD, ip="198.51.100.1").url == reverse("home:dashboard")
    assert is_logged_in(client, bob)


def test_repeated_failures_lock_the_address_for_every_account(client, user):
    # One address trying many accounts (password spraying) is stopped too.
    for n in range(LIMIT):
        log_in(client, f"someone-{n}", "password1", ip="198.51.100.7")

    response = log_in(client, "alice", PASSWORD, ip="198.51.100.7")

    assert response.status_code == 429
    assert LOCKED in response.text
    assert not is_logged_in(client, user)
    # The account itself is fine from anywhere else.
    assert log_in(client, "alice", PASSWORD, ip="203.0.113.9").url == reverse("home:dashboard")


def test_the_lockout_page_says_when_to_try_again_and_keeps_the_form(client, user):
    for n in range(LIMIT):
        log_in(client, "alice", f"guess-{n}")
    last_failure = AccessAttempt.objects.get(username="alice").attempt_time
    until = timezone.localtime(last_failure + COOL_OFF, timezone.get_default_timezone())

    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert f"Try again after {until:%H:%M} UTC" in response.text
    assert "in 15\xa0minutes." in response.text  # rounded up, never promised short
    assert '<h1>Log in</h1>' in response.text  # the login page itself, with its form
    assert 'value="alice"' in response.text
    assert "Forgot your password?" in response.text


def test_trying_while_locked_does_not_extend_the_lockout(client, user):
    for n in range(LIMIT):
        log_in(client, "alice", f"guess-{n}")
    before = AccessAttempt.objects.get(username="alice")

    for _ in range(3):
        assert log_in(client, "alice", PASSWORD).status_code == 429

    after = AccessAttempt.objects.get(username="alice")
    assert (after.attempt_time, after.failures_since_start) == (
        before.attempt_time, before.failures_since_start,
    )


def test_the_lock_lifts_after_the_cool_off(client, user):
    for n in range(LIMIT):
        log_in(client, "alice", f"guess-{n}")
    assert log_in(client, "alice", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - COOL_OFF - timedelta(seconds=1))

    assert log_in(client, "alice", PASSWORD).url == reverse("home:dashboard")
    assert is_logged_in(client, user)


def test_a_successful_login_forgives_the_accounts_own_mistakes(client, user):
    for _ in range(LIMIT - 1):
        log_in(client, "alice", "typo")
    assert log_in(client, "alice", PASSWORD).url == reverse("home:dashboard")
    client.post(reverse("logout"))

    # Without the reset these would make 2 × (LIMIT - 1) failures: locked.
    for _ in range(LIMIT - 1):
        log_in(client, "alice", "typo")
    assert log_in(client, "alice", PASSWORD).url == reverse("home:dashboard")
    assert is_logged_in(client, user)


def test_logging_in_to_ones_own_account_does_not_forgive_guesses_at_another(client, user):
    # An attacker with an account of their own, guessing alice's password from one address,
    # cannot wipe the count by logging in as themselves between guesses.
    make_user("eve")
    for round_ in range(2):
        for n in range(2):
            log_in(client, "alice", f"guess-{round_}-{n}", ip="198.51.100.66")
        assert log_in(client, "eve", PASSWORD, ip="198.51.100.66").status_code == 302
        client.post(reverse("logout"))
    log_in(client, "alice", "guess-5", ip="198.51.100.66")  # the fifth

    response = log_in(client, "alice", PASSWORD, ip="203.0.113.9")

    assert response.status_code == 429
    assert not is_logged_in(client, user)


def test_the_admin_login_is_throttled_and_says_so(client):
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    for n in range(LIMIT):
        response = log_in(client, "root", f"guess-{n}", url=ADMIN_LOGIN)
    assert response.status_code == 429

    response = log_in(client, "root", PASSWORD, url=ADMIN_LOGIN)

    assert response.status_code == 429
    assert LOCKED in response.text
    assert 'class="errornote"' in response.text  # the admin's own page, its own error style
    assert 'id="login-form"' in response.text
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_the_forwarded_address_is_the_one_counted(client, user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for n in range(LIMIT):
        client.post(LOGIN, {"username": f"someone-{n}", "password": "x"},
                    REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, 198.51.100.{n}")
    # Everyone reaches Django from the proxy's address; only the client's is locked.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        f"198.51.100.{n}" for n in range(LIMIT)
    }
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD},
                           REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.url == reverse("home:dashboard")


@pytest.mark.parametrize(
    ("guess", "recorded"),
    [("x" * 100_000, ["x" * 150]), ("ali\x00ce", [])],  # NUL: the form refuses it first
)
def test_an_outsize_or_odd_username_is_refused_not_an_error(client, guess, recorded):
    """Axes records the username a failed log-in tried: it must fit its column (and
    PostgreSQL refuses NUL), so it is kept cleaned and cut to a username's length."""
    response = client.post(reverse("login"), {"username": guess, "password": "wrong"})
    assert response.status_code == 200
    from axes.models import AccessAttempt

    assert [a.username for a in AccessAttempt.objects.all()] == recorded


def test_the_username_may_be_typed_in_any_case(client, db):
    # A phone capitalizes the first letter: "Jordan" signed up, "jordan" logs in, and
    # the other way round.
    jordan = make_user("Jordan")
    assert log_in(client, "jordan", PASSWORD).url == reverse("home:dashboard")
    assert is_logged_in(client, jordan)
    client.logout()
    alice = make_user("alice")
    assert log_in(client, "ALICE", PASSWORD).url == reverse("home:dashboard")
    assert is_logged_in(client, alice)


def test_of_two_names_apart_by_case_alone_the_one_typed_exactly_is_meant(client, db):
    # Made before sign-up refused such a pair: each logs in as written, neither as
    # a third spelling.
    upper, lower = make_user("Sam"), make_user("sam", password="another-horse-battery")
    assert log_in(client, "Sam", PASSWORD).url == reverse("home:dashboard")
    assert is_logged_in(client, upper)
    client.logout()
    assert log_in(client, "sam", "another-horse-battery").url == reverse("home:dashboard")
    assert is_logged_in(client, lower)
    client.logout()
    assert log_in(client, "SAM", PASSWORD).status_code == 200  # the form again, refused
    assert "_auth_user_id" not in client.session


def test_guesses_in_every_case_count_against_one_account(client, user):
    for n, typed in enumerate(["alice", "Alice", "ALICE", "aLiCe", "alicE"][:LIMIT]):
        log_in(client, typed, f"guess-{n}", ip=f"198.51.100.{n}")

    response = log_in(client, "alice", PASSWORD, ip="203.0.113.9")

    assert response.status_code == 429
    assert not is_logged_in(client, user)


def test_logging_in_forgives_ones_own_mistakes_in_another_case(client, db):
    jordan = make_user("Jordan")
    for n in range(LIMIT - 1):
        log_in(client, "jordan", f"typo-{n}")
    assert AccessAttempt.objects.filter(ip_address="192.0.2.1").exists()

    log_in(client, "JORDAN", PASSWORD)

    assert is_logged_in(client, jordan)
    assert not AccessAttempt.objects.filter(ip_address="192.0.2.1").exists()


def test_a_username_longer_than_any_is_refused_like_any_wrong_one(client, user):
    # Django's log-in form sets its length limit after the field is made, so it does not
    # check it: the lookup whatever the case must not run on 100,000 characters.
    response = log_in(client, "A" * 100_000, PASSWORD)

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
