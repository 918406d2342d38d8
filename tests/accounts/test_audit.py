import pytest
from django.test import TestCase
from django.urls import reverse

from caremarket.accounts.audit import record
from caremarket.accounts.models import AuditEvent, AuditLogIsAppendOnly, Membership, User
from caremarket.places.models import LocalAuthority


class AuditLogTests(TestCase):
    def setUp(self):
        self.stoke = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        self.coventry = LocalAuthority.objects.create(code="E08000026", name="Coventry")
        self.admin = User.objects.create_user("ada")
        Membership.objects.create(user=self.admin, local_authority=self.stoke, role="council_admin")

    def test_it_cannot_be_changed_or_deleted(self):
        event = record("viewed_referral", user=self.admin, local_authority=self.stoke)
        event.action = "something else"
        with pytest.raises(AuditLogIsAppendOnly):
            event.save()
        with pytest.raises(AuditLogIsAppendOnly):
            event.delete()
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEvent.objects.all().delete()
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEvent.objects.update(action="x")
        self.assertEqual(AuditEvent.objects.get().action, "viewed_referral")

    def test_council_admins_read_their_own_councils_log_only(self):
        record("viewed_referral", user=self.admin, local_authority=self.stoke, detail="ref ABC")
        record("viewed_referral", user=self.admin, local_authority=self.coventry, detail="ref XYZ")
        self.client.force_login(self.admin)
        response = self.client.get(
            reverse("accounts:audit_log", kwargs={"council": self.stoke.slug})
        )
        self.assertContains(response, "ref ABC")
        self.assertNotContains(response, "ref XYZ")
        other = self.client.get(
            reverse("accounts:audit_log", kwargs={"council": self.coventry.slug})
        )
        self.assertEqual(other.status_code, 403)

    def test_reading_the_log_is_itself_audited(self):
        self.client.force_login(self.admin)
        self.client.get(
            reverse("accounts:audit_log", kwargs={"council": self.stoke.slug}),
            REMOTE_ADDR="10.1.2.3",
        )
        event = AuditEvent.objects.get(action="viewed_audit_log")
        self.assertEqual(event.username, "ada")
        self.assertEqual(event.ip_address, "10.1.2.3")
        self.assertEqual(event.local_authority, self.stoke)

    def test_the_admin_cannot_edit_it(self):
        site_admin = User.objects.create_superuser("root", password="x" * 12)
        event = record("imported", user=site_admin)
        self.client.force_login(site_admin)
        url = reverse("admin:accounts_auditevent_change", args=[event.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="_save"')
        self.assertEqual(self.client.post(url, {"action": "tampered"}).status_code, 403)
