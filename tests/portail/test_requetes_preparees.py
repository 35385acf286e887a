"""Les requêtes préparées de PostgreSQL (portail/settings.py, DB_REQUETES_PREPAREES) : une
forme de requête répétée sur une connexion n'est plus analysée ni planifiée à chaque fois."""

from django.db import connection

from portail.chargement_compte import compte_avec_foyer
from tests.factories import compte_de


def test_une_requete_repetee_est_preparee_par_postgresql(famille):
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    pk = compte_de(famille).pk
    for _ in range(6):  # préparée à la 5e exécution (réglage de psycopg)
        assert compte_avec_foyer(pk) is not None
    with connection.cursor() as curseur:
        curseur.execute("SELECT statement FROM pg_prepared_statements")
        preparees = [ligne[0] for ligne in curseur.fetchall()]
    assert any('FROM "portail_user"' in requete for requete in preparees), preparees
