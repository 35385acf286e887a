"""Factures coupées par la commune : chaque vue (listes, PDF, demandes de duplicata et de
reçu, paiement en ligne, résultat) répond 404, par le seul mécanisme d'interrupteur."""

from django.urls import reverse

from portail.noyau.models import Configuration
from tests.interrupteurs import Vue, verifier_coupure
from tests.securite import objets


def test_factures_coupees_ferment_chaque_vue(client_parent, famille):
    Configuration.objects.filter(pk=1).update(paiement_en_ligne_actif=True)
    facture = objets.facture(famille)
    reglement = objets.reglement(famille)
    tx = objets.transaction(famille)
    verifier_coupure(
        client_parent,
        "factures_actives",
        [
            Vue(reverse("facturation:factures")),
            Vue(reverse("facturation:facture_pdf", args=[facture.pk])),
            Vue(reverse("facturation:facture_recevoir", args=[facture.pk]), "post"),
            Vue(reverse("facturation:reglements")),
            Vue(reverse("facturation:reglement_recu_pdf", args=[reglement.pk])),
            Vue(reverse("facturation:reglement_recevoir", args=[reglement.pk]), "post"),
            Vue(reverse("facturation:releve")),
            Vue(reverse("facturation:paiement")),
            Vue(reverse("facturation:paiement"), "post", {"factures": [facture.pk]}),
            Vue(reverse("facturation:paiement_resultat", args=[tx.jeton])),
        ],
    )


def test_paiement_en_ligne_coupe_dit_comment_payer(client_parent, famille):
    Configuration.objects.filter(pk=1).update(paiement_en_ligne_actif=False)
    reponse = client_parent.get(reverse("facturation:paiement"))
    assert reponse.status_code == 200
    assert "facturation/paiement_coupe.html" in {t.name for t in reponse.templates}
