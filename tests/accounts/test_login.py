from django.conf import settings
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from caremarket.accounts.models import AuditEvent, Membership, User
from caremarket.places.models import LocalAuthority


class SignInTests(TestCase):
    def setUp(self):
        cache.clear()
        self.user = User.objects.create_user("alice", password="correct horse battery")
        council = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        Membership.objects.create(user=self.user, local_authority=council, role="practitioner")

    def test_it_signs_in_and_audits_it(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "alice", "password": "correct horse battery"}
        )
        self.assertRedirects(response, reverse("accounts:dashboard"))
        self.assertTrue(AuditEvent.objects.filter(action="signed_in", username="alice").exists())

    def test_it_shows_the_error_summary_and_keeps_the_username(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "alice", "password": "nope"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")
        self.assertContains(response, 'value="alice"')
        self.assertContains(response, "<title>Error: ")

    def test_it_names_each_missing_field(self):
        response = self.client.post(reverse("accounts:login"), {"username": "", "password": ""})
        self.assertContains(response, "Enter your username")
        self.assertContains(response, "Enter your password")
        self.assertContains(response, 'href="#id_username"')

    def test_it_copes_with_a_huge_username(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "x" * 100_000, "password": "p"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")

    @override_settings(LOGIN_RATE="3/15m")
    def test_it_rate_limits_guessing(self):
        for _ in range(3):
            self.client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
        response = self.client.post(
            reverse("accounts:login"), {"username": "alice", "password": "correct horse battery"}
        )
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many attempts", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(LOGIN_RATE="3/15m")
    def test_good_sign_ins_from_one_office_address_never_lock_anyone_out(self):
        for _ in range(7):
            response = self.client.post(
                reverse("accounts:login"),
                {"username": "alice", "password": "correct horse battery"},
            )
            self.assertEqual(response.status_code, 302)
            self.client.post(reverse("accounts:logout"))
        # The failures still count: two wrong, then the right one, from the same address.
        for _ in range(2):
            self.client.post(reverse("accounts:login"), {"username": "bob", "password": "no"})
        response = self.client.post(
            reverse("accounts:login"), {"username": "alice", "password": "correct horse battery"}
        )
        self.assertEqual(response.status_code, 302)

    @override_settings(LOGIN_RATE="3/15m")
    def test_the_per_username_limit_holds_across_addresses_and_spellings(self):
        for number, spelling in enumerate(["alice", " alice", "ALICE "], start=1):
            self.client.post(
                reverse("accounts:login"),
                {"username": spelling, "password": "wrong"},
                REMOTE_ADDR=f"192.0.2.{number}",
            )
        response = self.client.post(
            reverse("accounts:login"),
            {"username": "alice", "password": "correct horse battery"},
            REMOTE_ADDR="198.51.100.7",
        )
        self.assertContains(response, "Wait 15 minutes", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(LOGIN_RATE="3/15m")
    def test_the_per_address_limit_holds_across_usernames(self):
        for name in ("x1", "x2", "x3"):
            self.client.post(reverse("accounts:login"), {"username": name, "password": "wrong"})
        response = self.client.post(
            reverse("accounts:login"), {"username": "alice", "password": "correct horse battery"}
        )
        self.assertEqual(response.status_code, 429)

    def test_sign_out_is_post_only(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        response = self.client.post(reverse("accounts:logout"))
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("_auth_user_id", self.client.session)


class AdminSignInTests(TestCase):
    """Django admin's sign-in form would be a second way in, outside the limit and the audit."""

    def setUp(self):
        cache.clear()
        self.admin = User.objects.create_superuser("root", password="correct horse battery")

    def test_admin_sign_in_signs_no_one_in_and_sends_to_the_products_sign_in(self):
        response = self.client.post(
            reverse("admin:login") + "?next=/admin/",
            {"username": "root", "password": "correct horse battery"},
        )
        self.assertRedirects(
            response, reverse("accounts:login") + "?next=/admin/", fetch_redirect_response=False
        )
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_site_admin_signs_in_through_the_product_and_reaches_the_admin(self):
        response = self.client.get(reverse("admin:index"), follow=True)
        sign_in = reverse("accounts:login") + "?next=/admin/"
        self.assertEqual(response.redirect_chain[-1][0], sign_in)
        response = self.client.post(
            reverse("accounts:login"),
            {"username": "root", "password": "correct horse battery", "next": "/admin/"},
        )
        self.assertRedirects(response, "/admin/")
        self.assertTrue(AuditEvent.objects.filter(action="signed_in", username="root").exists())

    def test_admin_sign_in_does_not_redirect_off_site(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("admin:login") + "?next=https://evil.example/")
        self.assertRedirects(response, reverse("admin:index"))

    def test_a_signed_in_non_admin_is_refused_not_looped(self):
        user = User.objects.create_user("carol", password="correct horse battery")
        user.is_staff = True
        user.save()
        self.client.force_login(user)
        self.assertEqual(self.client.get(reverse("admin:login")).status_code, 403)


class ProductionSettingsTests(TestCase):
    def test_passwords_are_hashed_with_argon2_in_production(self):
        # The test run swaps in a fast hasher; the shipped settings must put Argon2 first.
        import importlib

        import caremarket.settings as production

        importlib.reload(production)
        self.assertEqual(
            production.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher"
        )

    def test_a_malformed_login_rate_stops_start_up(self):
        import importlib
        import os

        from django.core.exceptions import ImproperlyConfigured

        import caremarket.settings as production

        os.environ["CAREMARKET_LOGIN_RATE"] = "ten a minute"
        try:
            with self.assertRaisesMessage(ImproperlyConfigured, "CAREMARKET_LOGIN_RATE"):
                importlib.reload(production)
        finally:
            del os.environ["CAREMARKET_LOGIN_RATE"]
            importlib.reload(production)

    def test_sessions_expire(self):
        self.assertTrue(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)
        self.assertLessEqual(settings.SESSION_COOKIE_AGE, 8 * 3600)

    def test_argon2_really_hashes(self):
        with self.settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
            user = User.objects.create_user("bob", password="another long password")
            self.assertTrue(user.password.startswith("argon2$"))
            self.assertTrue(user.check_password("another long password"))
