"""Les filtres de dates du portail rendent exactement ce que rendait ``|date`` de Django."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

PARIS = ZoneInfo("Europe/Paris")


def _rendu(source: str, **contexte) -> str:
    return Template(source).render(Context(contexte))


@pytest.mark.parametrize(
    "valeur",
    [
        datetime.date(2026, 3, 7),
        datetime.date(987, 12, 31),
        # 23:30 en UTC le 31/12 : déjà le 01/01 à Paris, comme avec |date.
        datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 7, 14, 8, 5, tzinfo=PARIS),
        None,
        "",
    ],
)
def test_date_courte_et_date_heure_comme_le_filtre_date_de_django(valeur):
    assert _rendu("{{ v|date_courte }}", v=valeur) == _rendu('{{ v|date:"d/m/Y" }}', v=valeur)
    if not isinstance(valeur, datetime.date) or isinstance(valeur, datetime.datetime):
        assert _rendu("{{ v|date_heure }}", v=valeur) == _rendu(
            '{{ v|date:"d/m/Y à H:i" }}', v=valeur
        )
        assert _rendu("{{ v|heure }}", v=valeur) == _rendu('{{ v|date:"H:i" }}', v=valeur)


def test_date_longue_chaque_jour_de_deux_ans_comme_le_filtre_date_de_django():
    jour = datetime.date(2026, 1, 1)
    while jour < datetime.date(2028, 1, 1):
        assert _rendu("{{ v|date_longue }}", v=jour) == _rendu('{{ v|date:"l j F Y" }}', v=jour)
        jour += datetime.timedelta(days=1)
    assert _rendu("{{ v|date_longue }}", v=datetime.date(2026, 12, 3)) == "jeudi 3 décembre 2026"
    assert _rendu("{{ v|date_longue }}", v=None) == _rendu('{{ v|date:"l j F Y" }}', v=None)


def test_date_heure_a_l_heure_de_paris():
    valeur = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert _rendu("{{ v|date_heure }}", v=valeur) == "01/01/2027 à 00:30"
    assert _rendu("{{ v|heure }}", v=valeur) == "00:30"
    assert _rendu("{{ v|date_courte }}", v=valeur) == "01/01/2027"
