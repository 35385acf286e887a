"""La migration 0007 : les accords e-mail / SMS du foyer deviennent ceux de ses adultes."""

import pytest

from familles.models import Responsable, Role

from .test_migration_comptes import _migrer, _migrer_tout

AVANT = [("familles", "0006_personnes_autorisees_par_foyer")]


@pytest.mark.django_db(transaction=True)
def test_les_accords_du_foyer_passent_a_ses_adultes():
    anciennes = _migrer(AVANT)
    try:
        Famille = anciennes.get_model("familles", "Famille")
        AncienResponsable = anciennes.get_model("familles", "Responsable")
        refus = Famille.objects.create(numero="8001", nom="REFUS", accepte_email=False)
        sms = Famille.objects.create(numero="8002", nom="SMS", accepte_sms=True)
        for famille in (refus, sms):
            AncienResponsable.objects.create(
                famille=famille, role="responsable", nom=famille.nom, prenom="Jean"
            )
            AncienResponsable.objects.create(
                famille=famille, role="conjoint", nom=famille.nom, prenom="Jeanne"
            )
    finally:
        _migrer(_migrer_tout())

    def accords(numero, role):
        adulte = Responsable.objects.get(famille__numero=numero, role=role)
        return adulte.accepte_email, adulte.accepte_sms

    # Le foyer refusait les e-mails pour tous ; son accord SMS était celui du responsable.
    assert accords("8001", Role.RESPONSABLE) == (False, False)
    assert accords("8001", Role.CONJOINT) == (False, False)
    assert accords("8002", Role.RESPONSABLE) == (True, True)
    assert accords("8002", Role.CONJOINT) == (True, False)
