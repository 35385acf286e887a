"""Banc d'essai de la facturation mensuelle et des PDF de facture, sur PostgreSQL.

    .venv/bin/python bench/facturation.py [--familles 5000] [--pdf 20] [--garder]

Crée (ou recrée) une base dédiée, y met N familles de 2 enfants, chacun réservé sur 4 unités
(Repas, Matin, Soir, Étude) chaque jour d'école de novembre 2026 (états variés, quotients
variés, tarifs par tranche), puis mesure :
- la facturation du mois (``facturation_lancer``, comme ``manage.py facturer --mois 2026-11``) ;
- une seconde facturation du même mois (rien à facturer : elle doit être rapide et vide) ;
- le temps moyen de rendu d'un PDF de facture (WeasyPrint).
Tout reste local ; la base est supprimée à la fin sauf avec --garder.
"""

import argparse
import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from bench.base_neuve import base_neuve  # noqa: E402


def _remplir(nb_familles: int) -> int:
    from django.db import connection

    from facturation.models import ActiviteFacturee, Regie, Tarif
    from familles.models import Enfant, Famille
    from reservations.models import Activite, Unite

    regie = Regie.objects.create(nom="Régie cantine garderie", prefixe="CA")
    cantine = Activite.objects.create(nom="CANTINE", type="cantine")
    garderie = Activite.objects.create(nom="GARDERIE", type="periscolaire")
    for activite in (cantine, garderie):
        ActiviteFacturee.objects.create(regie=regie, activite=activite)
    repas = Unite.objects.create(activite=cantine, nom="Repas")
    depuis = date(2026, 9, 1)
    Tarif.objects.create(unite=repas, date_debut=depuis, quotient_max=700, prix=Decimal("2.50"))
    Tarif.objects.create(unite=repas, date_debut=depuis, quotient_min=701, prix=Decimal("3.40"))
    for nom, prix in (("Matin", "1.50"), ("Soir", "1.50"), ("Étude", "2.00")):
        unite = Unite.objects.create(activite=garderie, nom=nom)
        Tarif.objects.create(unite=unite, date_debut=depuis, prix=Decimal(prix))
    familles = Famille.objects.bulk_create(
        Famille(
            numero=f"B{i:06d}",
            nom=f"FAMILLE{i:05d}",
            quotient_familial=None if i % 7 == 0 else (i * 37) % 1500,
        )
        for i in range(nb_familles)
    )
    Enfant.objects.bulk_create(
        Enfant(famille=famille, nom=famille.nom, prenom=prenom)
        for famille in familles
        for prenom in ("Lise", "Hugo")
    )
    with connection.cursor() as curseur:
        # 4 unités × chaque jour d'école (lundi-vendredi sauf le 11 novembre), états variés.
        curseur.execute(
            """
            INSERT INTO reservations_reservation
                (enfant_id, famille_id, unite_id, date, etat, modifiee_le)
            SELECT e.id, e.famille_id, u.id, d::date,
                   CASE WHEN r < 0.85 THEN 'reservee' WHEN r < 0.90 THEN 'present'
                        WHEN r < 0.93 THEN 'absent_facture' WHEN r < 0.97 THEN 'absent_excuse'
                        ELSE 'demandee' END,
                   now()
            FROM familles_enfant e
            CROSS JOIN reservations_unite u
            CROSS JOIN generate_series('2026-11-01'::date, '2026-11-30'::date, '1 day') d
            CROSS JOIN LATERAL (SELECT random() + e.id * 0 + u.id * 0 AS r) alea
            WHERE extract(isodow FROM d) < 6 AND d <> '2026-11-11'
            """
        )
        curseur.execute("ANALYZE")
        curseur.execute("SELECT count(*) FROM reservations_reservation")
        return curseur.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--familles", type=int, default=5000)
    parser.add_argument("--pdf", type=int, default=20, help="nombre de PDF à rendre")
    parser.add_argument("--base", default="portail_bench_facturation")
    parser.add_argument("--garder", action="store_true", help="garder la base à la fin")
    args = parser.parse_args()

    with base_neuve(args.base, garder=args.garder):
        from facturation.models import Facture, LigneFacture
        from facturation.pdf import pdf_facture
        from facturation.services import facturation_lancer

        debut = time.perf_counter()
        reservations = _remplir(args.familles)
        print(
            f"Données : {args.familles} familles, {2 * args.familles} enfants, "
            f"{reservations} réservations ({time.perf_counter() - debut:.1f} s)"
        )

        debut = time.perf_counter()
        if os.environ.get("BENCH_PROFIL"):
            import cProfile
            import pstats

            profil = cProfile.Profile()
            profil.enable()
        [resultat] = facturation_lancer(mois=date(2026, 11, 1))
        if os.environ.get("BENCH_PROFIL"):
            profil.disable()
            pstats.Stats(profil).sort_stats("cumulative").print_stats(25)
        duree = time.perf_counter() - debut
        print(resultat.resume())
        print(
            f"Facturation du mois : {duree:.1f} s "
            f"({resultat.lignes / duree:,.0f} lignes/s ; objectif < 60 s)".replace(",", " ")
        )
        assert LigneFacture.objects.count() == resultat.lignes

        debut = time.perf_counter()
        [second] = facturation_lancer(mois=date(2026, 11, 1))
        print(
            f"Seconde facturation du même mois : {second.factures} facture "
            f"({time.perf_counter() - debut:.1f} s)"
        )

        factures = list(Facture.objects.order_by("numero_ordre")[: args.pdf])
        pdf_facture(factures[0])  # premier rendu : chargement de WeasyPrint et des polices
        debut = time.perf_counter()
        taille = 0
        for facture in factures:
            taille += len(pdf_facture(facture))
        par_pdf = (time.perf_counter() - debut) / len(factures)
        lignes_par_facture = resultat.lignes / max(resultat.factures, 1)
        print(
            f"PDF de facture ({lignes_par_facture:.0f} lignes en moyenne) : "
            f"{par_pdf * 1000:.0f} ms par facture, {taille / len(factures) / 1024:.0f} Ko"
        )


if __name__ == "__main__":
    main()
