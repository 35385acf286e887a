"""Banc d'essai du prélèvement SEPA : un passage pour N foyers, sur PostgreSQL.

    .venv/bin/python bench/prelevement.py [--familles 5000] [--garder]

Crée (ou recrée) une base dédiée, y met N familles, chacune avec un mandat signé et une
facture impayée datée d'aujourd'hui, puis mesure :
- le passage à la date annoncée (``prelevement_lancer``, comme ``manage.py prelever``) :
  sélection, fichier pain.008.001.02 construit et validé contre le XSD par sepaxml,
  règlements, affectations et opérations écrits (objectif < 30 s) ;
- un second passage à la même date (refusé, rien n'est écrit) ;
- le passage du mois suivant (nouvelles factures, séquence RCUR).
Tout reste local ; la base et les fichiers sont supprimés à la fin sauf avec --garder.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from bench.base_neuve import base_neuve  # noqa: E402

IBAN_DEBITEUR = "FR7630006000011234567890189"


def _factures(regie, familles, jour, ordre: int) -> int:
    from facturation.models import Facture

    Facture.objects.bulk_create(
        (
            Facture(
                regie=regie,
                famille=famille,
                numero_ordre=ordre + i,
                numero=f"{regie.prefixe}{ordre + i:06d}",
                periode_debut=jour.replace(day=1),
                periode_fin=jour,
                date=jour,
                echeance=jour + timedelta(days=30),
                total=Decimal(10 + i % 40) + Decimal("0.40"),
            )
            for i, famille in enumerate(familles)
        ),
        batch_size=2000,
    )
    return ordre + len(familles)


def _remplir(nb_familles: int):
    from django.utils import timezone

    from facturation.models import Mandat, Regie
    from facturation.prelevement.models import StatutMandat
    from familles.models import Famille

    regie = Regie.objects.create(
        nom="Régie cantine garderie",
        prefixe="CA",
        ics="FR72ZZZ123456",
        creancier_nom="Régie cantine garderie",
        creancier_iban="FR7630001007941234567890185",
        creancier_bic="BDFEFRPPCCT",
        jour_prelevement=5,
    )
    familles = Famille.objects.bulk_create(
        Famille(numero=f"B{i:06d}", nom=f"FAMILLE{i:05d}") for i in range(nb_familles)
    )
    aujourdhui = timezone.localdate()
    Mandat.objects.bulk_create(
        (
            Mandat(
                famille=famille,
                regie=regie,
                rum=f"CA{famille.numero}M001",
                ics=regie.ics,
                titulaire=f"{famille.nom} Titulaire",
                iban=IBAN_DEBITEUR,
                bic="AGRIFRPP",
                statut=StatutMandat.ACTIF,
                date_signature=aujourdhui - timedelta(days=60),
            )
            for famille in familles
        ),
        batch_size=2000,
    )
    ordre = _factures(regie, familles, aujourdhui, 1)
    regie.prochain_numero_facture = ordre
    regie.save(update_fields=["prochain_numero_facture"])
    return regie, familles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--familles", type=int, default=5000)
    parser.add_argument("--base", default="portail_bench_prelevement")
    parser.add_argument("--garder", action="store_true", help="garder la base à la fin")
    args = parser.parse_args()

    os.environ.setdefault("PORTAIL_VAR_DIR", tempfile.mkdtemp(prefix="banc-prelevement-"))
    with base_neuve(args.base, garder=args.garder):
        from django.core.exceptions import ValidationError
        from django.db import connection

        from facturation.models import LotPrelevement, OperationPrelevement, Regie, Reglement
        from facturation.prelevement.selectors import prochain_jour_de_prelevement
        from facturation.prelevement.services import prelevement_lancer

        debut = time.perf_counter()
        regie, familles = _remplir(args.familles)
        with connection.cursor() as curseur:
            curseur.execute("ANALYZE")
        print(
            f"Données : {args.familles} familles, autant de mandats signés et de factures "
            f"({time.perf_counter() - debut:.1f} s)"
        )
        from django.utils import timezone

        jour = prochain_jour_de_prelevement(regie, timezone.localdate() + timedelta(days=14))

        debut = time.perf_counter()
        resultat = prelevement_lancer(regie=regie, date_prelevement=jour)
        duree = time.perf_counter() - debut
        lot = LotPrelevement.objects.get(date_prelevement=jour)
        print(resultat.resume())
        print(
            f"Passage du {jour:%d/%m/%Y} : {duree:.1f} s pour {resultat.nombre} opérations, "
            f"fichier de {lot.fichier.size / 1024 / 1024:.1f} Mo (objectif < 30 s)"
        )
        assert OperationPrelevement.objects.count() == args.familles
        assert Reglement.objects.count() == args.familles

        debut = time.perf_counter()
        try:
            prelevement_lancer(regie=regie, date_prelevement=jour)
        except ValidationError as exc:
            refus = " ".join(exc.messages)
        print(f"Second passage à la même date : « {refus} » ({time.perf_counter() - debut:.2f} s)")

        regie = Regie.objects.get(pk=regie.pk)
        ordre = _factures(regie, familles, timezone.localdate(), regie.prochain_numero_facture)
        Regie.objects.filter(pk=regie.pk).update(prochain_numero_facture=ordre)
        suivant = prochain_jour_de_prelevement(regie, jour + timedelta(days=1))
        debut = time.perf_counter()
        second = prelevement_lancer(regie=regie, date_prelevement=suivant)
        print(
            f"Passage du {suivant:%d/%m/%Y} (RCUR) : {time.perf_counter() - debut:.1f} s "
            f"pour {second.nombre} opérations, {second.premiers} premier(s)"
        )


if __name__ == "__main__":
    main()
