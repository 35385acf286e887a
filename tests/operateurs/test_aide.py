import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

COMMANDES = {
    "importer_familles": ("familles", ["FICHIER", "--essai", "docs/import_familles.md"]),
    "envoyer_identifiants": ("familles", ["--famille NUMERO", "--nouvelles", "--essai"]),
    "purger": ("portail", ["--essai", "jamais supprimés"]),
    "preparer_annee": ("reservations", ["annee", "--essai", "--zone"]),
    "facturer": ("facturation", ["--mois", "--essai", "--regie"]),
    "prelever": ("facturation", ["--regie", "--date", "--essai", "pain.008.001.02"]),
    "demo": ("portail", ["idempotent"]),
}
ANGLAIS = [
    "usage:",
    "positional arguments",
    "show this help",
    "Verbosity",
    "Show program",
    "stack trace",
    "colorize",
    "Skip system",
    "settings module",
]


@pytest.mark.parametrize("nom", COMMANDES)
def test_l_aide_de_chaque_commande_est_en_francais(nom):
    app, attendus = COMMANDES[nom]
    aide = load_command_class(app, nom).create_parser("manage.py", nom).format_help()
    assert aide.startswith(f"utilisation : manage.py {nom}")
    assert "affiche cette aide et quitte" in aide
    for mot in attendus:
        assert mot in aide
    for mot in ANGLAIS:
        assert mot not in aide, mot


def test_les_erreurs_d_arguments_sont_en_francais(db):
    with pytest.raises(CommandError, match="l'option --nouvelles ne va pas avec --famille"):
        call_command("envoyer_identifiants", "--famille", "1", "--nouvelles")
