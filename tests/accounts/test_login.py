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

    def test_sign_out_is_post_only(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        response = self.client.post(reverse("accounts:logout"))
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("_auth_user_id", self.client.session)


class ProductionSettingsTests(TestCase):
    def test_passwords_are_hashed_with_argon2_in_production(self):
        # The test run swaps in a fast hasher; the shipped settings must put Argon2 first.
        import importlib

        import caremarket.settings as production

        importlib.reload(production)
        self.assertEqual(
            production.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher"
        )

    def test_sessions_expire(self):
        self.assertTrue(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)
        self.assertLessEqual(settings.SESSION_COOKIE_AGE, 8 * 3600)

    def test_argon2_really_hashes(self):
        with self.settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
            user = User.objects.create_user("bob", password="another long password")
            self.assertTrue(user.password.startswith("argon2$"))
            self.assertTrue(user.check_password("another long password"))
