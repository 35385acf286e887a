from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from familles.validators import (
    masquer_bic,
    masquer_iban,
    normaliser_telephone,
    valider_bic,
    valider_code_postal,
    valider_date_non_future,
    valider_date_passee,
    valider_iban,
    valider_nom,
    valider_numero_fiscal,
    valider_sans_balise,
    valider_telephone,
)


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("0612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("03.01.02.03.04.", "03 01 02 03 04"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("0033 6-12-34-56-78", "06 12 34 56 78"),
    ],
)
def test_telephones_francais_acceptes_et_normalises(saisie, attendu):
    valider_telephone(saisie)
    assert normaliser_telephone(saisie) == attendu


@pytest.mark.parametrize(
    "saisie", ["06 12 34", "00 12 34 56 78", "+44 20 7946 0958", "06123456789", "abc"]
)
def test_telephones_refuses(saisie):
    with pytest.raises(ValidationError, match="téléphone français"):
        valider_telephone(saisie)


@pytest.mark.parametrize("saisie", ["5911", "591120", "59 12", "ABCDE"])
def test_codes_postaux_refuses(saisie):
    with pytest.raises(ValidationError, match="5 chiffres"):
        valider_code_postal(saisie)


@pytest.mark.parametrize(
    "saisie", ["Jean", "Jean-Pierre", "D'Artagnan", "Le Goff", "Zoé", "St. Jean"]
)
def test_noms_acceptes(saisie):
    valider_nom(saisie)


@pytest.mark.parametrize("saisie", ["<b>Jean</b>", "Jean2", "Jean;DROP", "jean@x", "-", "Jean_"])
def test_noms_refuses(saisie):
    with pytest.raises(ValidationError, match="uniquement des lettres"):
        valider_nom(saisie)


def test_texte_sans_balise():
    valider_sans_balise("Allergie aux arachides (PAI), 2 comprimés")
    with pytest.raises(ValidationError, match="ne sont pas acceptés"):
        valider_sans_balise("<script>")


def test_date_de_naissance_dans_le_passe():
    aujourdhui = timezone.localdate()
    valider_date_passee(aujourdhui - timedelta(days=1))
    for date_refusee in (aujourdhui, aujourdhui + timedelta(days=1), date(1850, 1, 1)):
        with pytest.raises(ValidationError):
            valider_date_passee(date_refusee)
    valider_date_non_future(aujourdhui)
    with pytest.raises(ValidationError, match="futur"):
        valider_date_non_future(aujourdhui + timedelta(days=1))


def test_iban_bic():
    valider_iban("FR76 3000 6000 0112 3456 7890 189")
    valider_iban("fr7630006000011234567890189")
    valider_bic("AGRIFRPP")
    valider_bic("agrifrppxxx")
    for faux in ("FR76 3000 6000 0112 3456 7890 188", "FR76", "XX00 1234"):
        with pytest.raises(ValidationError, match="IBAN"):
            valider_iban(faux)
    for faux in ("AGRI", "AGRIXXPP1"):
        with pytest.raises(ValidationError, match="BIC"):
            valider_bic(faux)
    assert masquer_iban("FR7630006000011234567890189") == "FR76 •••• •••• •••• •••• •••0 189"
    assert masquer_bic("AGRIFRPP") == "AGRI••••"


def test_numero_fiscal():
    valider_numero_fiscal("1234567890123")
    with pytest.raises(ValidationError, match="13 chiffres"):
        valider_numero_fiscal("9234567890123")


def test_nom_banque_tire_du_bic_par_schwifty():
    from familles.validators import nom_banque

    assert nom_banque("BNPAFRPP") == "BNP PARIBAS"
    assert nom_banque("bnpa fr pp") == "BNP PARIBAS"
    assert nom_banque("") == ""
    assert nom_banque("ZZZZ") == ""  # BIC invalide : rien plutôt qu'une erreur


def test_mon_compte_affiche_le_nom_de_la_banque(client_parent, famille):
    import html

    from django.urls import reverse

    famille.bic = "BNPAFRPP"
    famille.save()
    texte = html.unescape(client_parent.get(reverse("familles:mon_compte")).content.decode())
    assert '<dt class="col-sm-5">Nom banque</dt><dd class="col-sm-7 mb-0">BNP PARIBAS</dd>' in texte
