"""Dans Chromium : l'agent part de l'accueil de l'administration vers son travail du jour."""

import re

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from demandes.models import Demande
from portail.noyau.registre import types_demande
from tests.conftest import verifier_accessibilite

from ..factories import UserFactory


def test_agent_trouve_son_travail_du_jour(page, famille, mot_de_passe):
    Demande.objects.create(
        famille=famille, type=next(iter(types_demande())), resume="Changement d'adresse"
    )
    agent = UserFactory(username="agent-navigateur", is_staff=True)
    agent.groups.add(Group.objects.get(name="agent"))

    page.goto(f"{page.base_url}/admin/login/")
    page.fill("input[name=username]", agent.username)
    page.fill("input[name=password]", mot_de_passe)
    page.locator("input[type=submit]").click()
    expect(page.get_by_role("heading", name="Travail du jour")).to_be_visible()
    verifier_accessibilite(page)
    expect(page.get_by_role("link", name="Enregistrer un règlement")).to_have_count(0)

    page.get_by_role("link", name="Demandes en attente (1)").click()
    expect(page).to_have_url(re.compile(r"statut__exact=en_attente"))
    expect(page.get_by_role("link", name="Changement d'adresse")).to_be_visible()

    page.goto(f"{page.base_url}/admin/")
    page.get_by_role("link", name="Pointage du jour").click()
    expect(page.get_by_role("heading", name="Pointage")).to_be_visible()
