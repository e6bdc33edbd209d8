"""The admin's check-worthiness models page: register a model by its directory (a broken one is refused with
the reason), activate it (open claims are re-scored in the background), or go back to the rule scorer."""

import shutil

import pytest
from django.urls import reverse

from claims.models import CheckworthinessModel, Job
from claims.services import checkworthiness
from tests.support.checkworthiness_data import LABELLED, text_label_csv

pytestmark = pytest.mark.django_db

ADD = reverse("admin:claims_checkworthinessmodel_add")
CHANGELIST = reverse("admin:claims_checkworthinessmodel_changelist")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("admin-models")
    labels = folder / "labels.csv"
    labels.write_text(text_label_csv(LABELLED), encoding="utf-8")
    return checkworthiness.model_train(
        inputs=[str(labels)], from_reviews=False, output=folder / "out"
    ).directory


def test_an_admin_registers_a_model_by_its_directory(admin_client, model_dir):
    response = admin_client.post(ADD, {"directory": str(model_dir)})

    assert response.status_code == 302
    model = CheckworthinessModel.objects.get()
    assert model.version == model_dir.name and not model.is_active


def test_a_broken_directory_is_refused_on_the_form_and_nothing_is_stored(admin_client, model_dir, tmp_path):
    broken = shutil.copytree(model_dir, tmp_path / "broken")
    (broken / "model.json").write_text("{not json", encoding="utf-8")

    response = admin_client.post(ADD, {"directory": str(broken)})

    assert response.status_code == 200
    assert "That model cannot be used" in response.content.decode() and "corrupt" in response.content.decode()
    assert not CheckworthinessModel.objects.exists()


def test_activating_from_the_list_queues_the_re_scoring(admin_client, model_dir):
    model = checkworthiness.model_register(directory=model_dir)

    response = admin_client.post(
        CHANGELIST, {"action": "activate", "_selected_action": [model.pk]}, follow=True
    )

    assert "open claims are being re-scored" in response.content.decode()
    model.refresh_from_db()
    assert model.is_active and model.activated_by.is_superuser
    assert Job.objects.filter(kind="score_claims", params__model=model.pk).count() == 1
    admin_client.post(CHANGELIST, {"action": "back_to_rules", "_selected_action": [model.pk]})
    assert not CheckworthinessModel.objects.filter(is_active=True).exists()


def test_editors_do_not_see_the_page(client, carol):
    client.force_login(carol)

    assert client.get(CHANGELIST).status_code in (302, 403)
