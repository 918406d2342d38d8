"""What each audit log action code means, in words: the one place the audit log page reads.

Code records an action by a short, stable code (`accounts.audit.record("logged_concern", …)`);
people read the words here. `tests/accounts/test_actions.py` reads every `record(…)` call in
the source (and calls of functions that pass their own argument on to it) and fails when a code
has no words, so a new action cannot reach the page as a code.
"""

from __future__ import annotations

import re

from django.apps import apps

#: Action code → what happened, as a sentence without its full stop.
ACTION_WORDS: dict[str, str] = {
    # Accounts
    "signed_in": "Signed in",
    "api token created": "Made an API token",
    "api token revoked": "Revoked an API token",
    "api call": "A system called the API with a token",
    "api call refused": "The API refused a call: no token, or the wrong one",
    "signed_out": "Signed out",
    "viewed_audit_log": "Looked at the audit log",
    # Front door and referrals
    "referral_received": "A referral arrived from the front door",
    "viewed_referral_inbox": "Looked at the referrals inbox",
    "viewed_referral": "Looked at a referral",
    "triaged_referral": "Triaged a referral",
    "assigned_referral": "Assigned a referral",
    "deleted_referral": "Deleted a referral",
    "referral_deletion_requested": "The person asked for their referral to be deleted",
    "assessment_deleted_by_person": "The person deleted their own answers",
    "changed_front_door_settings": "Changed the front door settings",
    "added_charging_figure": "Added a charging figure",
    "deleted_charging_figure": "Deleted a charging figure",
    # Directory
    "proposed_listing_change": "Proposed a change to a directory listing",
    "approved_listing_change": "Approved a change to a directory listing",
    "rejected_listing_change": "Turned down a change to a directory listing",
    "withdrew_listing_change": "Withdrew a proposed change to a directory listing",
    "confirmed_listing": "Confirmed a directory listing is up to date",
    "reviewed_listing": "Reviewed a directory listing",
    "reported_listing": "Reported wrong information in a directory listing",
    "viewed_information_reports": "Looked at the reports of wrong directory information",
    "viewed_information_report": "Looked at a report of wrong directory information",
    "resolved_information_report": "Resolved a report of wrong directory information",
    "forgot_reporter_emails": "Erased the email addresses of people who reported listings",
    # Imports and figures
    "imported": "Imported a file",
    "import_checked": "Checked a file without importing it",
    "import_rejected": "A file was not imported: it had errors",
    "import_refused": "A file was refused: it cannot be imported",
    "finding_explained": "Explained a figure check finding",
    "finding_explanation_withdrawn": "Withdrew the explanation of a figure check finding",
    # Market Position Statements
    "mps_submitted": "Sent a Market Position Statement for review",
    "mps_published": "Published a Market Position Statement",
    "mps_logo_uploaded": "Uploaded the council's logo for its statements",
    "mps_logo_removed": "Removed the council's logo from its statements",
    # Quality
    "updated_provider_record": "Updated the council's record of a location",
    "changed_quality_settings": "Changed the quality settings",
    "logged_concern": "Logged a concern",
    "viewed_concern": "Looked at a concern",
    "updated_concern": "Changed who deals with a concern, or whether the provider sees it",
    "closed_concern": "Closed a concern",
    "emailed_overdue_concerns": "Emailed the quality team the concerns newly overdue",
    "emailed_cqc_downgrades": "Emailed the quality team new CQC rating downgrades",
    "erased_concern_details": "Erased the details of concerns past their keeping time",
    "issued_notice": "Issued a notice to a provider",
    "closed_notice": "Closed a notice",
    "started_placement_stop": "Started a placement stop",
    "reviewed_placement_stop": "Set a new review date for a placement stop",
    "lifted_placement_stop": "Lifted a placement stop",
    "opened_enquiry": "Opened a Large-Scale Enquiry",
    "recorded_enquiry_meeting": "Recorded a Large-Scale Enquiry meeting",
    "added_enquiry_action": "Added a Large-Scale Enquiry action",
    "completed_enquiry_action": "Completed a Large-Scale Enquiry action",
    "closed_enquiry": "Closed a Large-Scale Enquiry",
    "recorded_exit": "Recorded a provider exit or closure",
    "started_audit": "Started an audit",
    "saved_audit": "Saved an audit's scores",
    "shared_audit": "Shared a draft audit with the provider",
    "commented_on_audit": "The provider commented on a draft audit",
    "published_audit": "Published an audit",
    "shared_audit_with_councils": "Shared a published audit with other councils",
    "viewed_shared_audit": "Looked at an audit another council shared",
    "submitted_action_plan": "The provider sent its action plan",
    "uploaded_evidence_file": "Uploaded an evidence file",
    "downloaded_evidence_file": "Downloaded an evidence file",
    "deleted_evidence_file": "Removed an evidence file",
    "shared_evidence_file": "Shared an evidence file with the provider",
    "unshared_evidence_file": "Stopped sharing an evidence file with the provider",
    "provider_downloaded_evidence_file": "The provider downloaded an evidence file shared with it",
    # Brokerage
    "sourcing: request posted": "Posted a care request",
    "sourcing: request viewed": "Looked at a care request",
    "sourcing: request withdrawn": "Withdrew a care request",
    "sourcing: unsourced requests emailed": "Emailed the brokers the requests still unsourced",
    "sourcing: offer made": "A provider offered care",
    "sourcing: offer accepted": "Accepted a provider's offer",
    "sourcing: person's details shown to provider": (
        "Showed the person's details to the provider chosen"
    ),
    "sourcing: package changed": "Changed a care package",
    "sourcing: package ended": "Ended a care package",
    "sourcing: vacancies updated": "A provider updated its vacancies",
    "sourcing: placement changed": "Changed a care home placement",
    "sourcing: placement ended": "Ended a care home placement",
    "sourcing: contract added": "Added a contract to the contract register",
    "sourcing: contract saved": "Changed a contract on the contract register",
    "sourcing: lot saved": "Saved a lot of a contract",
    "sourcing: lot removed": "Removed a lot from a contract",
    "sourcing: uplift saved": "Saved a yearly uplift of a contract's rates",
    "sourcing: uplift removed": "Removed a yearly uplift of a contract's rates",
    "sourcing: holding saved": "Saved a provider's holding of a contract",
    "sourcing: holding removed": "Removed a provider's holding of a contract",
    "sourcing: extra care referral recorded": "Recorded an extra care referral",
    "sourcing: extra care panel decision": "Recorded the extra care panel's decision",
    "sourcing: extra care nomination": "Nominated a person to an extra care flat",
    "sourcing: extra care placement": "Recorded a move into extra care",
    "sourcing: extra care withdrawal": "Withdrew an extra care referral",
    "sourcing: extra care terms set": (
        "Set an extra care scheme's nomination rights and empty flats"
    ),
    # Outcomes
    "viewed pseudonymised people behind an ASCOF figure": (
        "Looked at the pseudonymised people behind an ASCOF figure"
    ),
    "purged client level data": "Erased client level data past its keeping time",
    "set a target": "Set a target",
    "changed a target": "Changed a target",
    "removed a target": "Removed a target",
    "recorded feedback": "Recorded a complaint or compliment",
    "changed feedback": "Changed a complaint or compliment",
    "removed feedback": "Removed a complaint or compliment",
    "changed the complaint deadline": "Changed the deadline for answering complaints",
}


def action_words(code: str) -> str:
    """The words for an action code (a code from an older version without words reads as a
    sentence made of it, never as an error)."""
    words = ACTION_WORDS.get(code)
    if words is not None:
        return words
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def record_words(object_type: str, object_id: str) -> str:
    """The kind of record an event is about ("Concern 12"), from its model label."""
    if not object_type:
        return ""
    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = object_type.rsplit(".", 1)[-1]
    return f"{name[:1].upper()}{name[1:]} {object_id}".strip()


#: Details that name an account by its number, which is all the log keeps of a person (their
#: name stays out of the stored detail): action code → the detail's pattern.
ACCOUNT_DETAILS: dict[str, re.Pattern[str]] = {
    "assigned_referral": re.compile(r"(?P<before>to )user (?P<id>\d{1,18})"),
}


def detail_words(action: str, detail: str) -> str:
    """An event's detail in words: an account number becomes the person's name as pages show
    it (`User.display_name`) when the page is read, or "someone whose account has gone"."""
    pattern = ACCOUNT_DETAILS.get(action)
    found = pattern.fullmatch(detail) if pattern else None
    if found is None:
        return detail
    from caremarket.accounts.models import User

    user = User.objects.filter(pk=int(found["id"])).first()
    who = user.display_name if user is not None else "someone whose account has gone"
    return found["before"] + who
