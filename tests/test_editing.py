"""The one edit primitive: lock, check the version the person started from, save under a new version."""

import pytest

from claims.editing import conflict, lock_for_edit, person_name, save_edit
from claims.errors import EditConflict, InputRejected
from claims.models import Claim, Evidence, Verdict
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_edit_from_the_current_version_is_saved_under_the_next_one(alice):
    claim = ClaimFactory()
    locked = lock_for_edit(Claim.objects.all(), claim.pk, expected_version=1)
    locked.normalised_text = "Reworded."
    save_edit(locked, alice)
    claim.refresh_from_db()
    assert (claim.version, claim.normalised_text) == (2, "Reworded.")
    assert claim.history.first().history_user == alice


def test_an_edit_from_an_old_version_is_refused_with_who_and_when(alice, bob):
    claim = ClaimFactory()
    save_edit(lock_for_edit(Claim.objects.all(), claim.pk, expected_version=1), bob)
    with pytest.raises(EditConflict) as refused:
        lock_for_edit(Claim.objects.all(), claim.pk, expected_version=1)
    assert refused.value.message.startswith("Your change was not saved: Bob (bob) changed this claim at ")
    assert refused.value.current.version == 2


def test_an_edit_that_cannot_overwrite_anything_needs_no_version():
    claim = ClaimFactory(version=5)
    assert lock_for_edit(Claim.objects.all(), claim.pk, expected_version=None).pk == claim.pk


@pytest.mark.parametrize("model, what", [(Claim, "claim"), (Verdict, "verdict"), (Evidence, "evidence")])
def test_a_row_that_is_gone_is_refused_in_words(model, what):
    with pytest.raises(InputRejected, match=f"This {what} no longer exists|That {what} no longer exists"):
        lock_for_edit(model.objects.all(), 987654, expected_version=1)


def test_one_conflict_wording_for_every_kind_of_object(bob):
    evidence = EvidenceFactory()
    save_edit(evidence, bob)
    message = conflict(evidence, outcome="The evidence was not removed").message
    assert message.startswith("The evidence was not removed: Bob (bob) changed this evidence at ")


def test_people_are_named_by_full_name_or_user_name():
    assert person_name(UserFactory(username="zed", first_name="", last_name="")) == "zed"
    assert person_name(UserFactory(username="yan", first_name="Yan", last_name="Li")) == "Yan Li"
    assert person_name(None) == "Someone"
