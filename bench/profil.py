"""Profil d'une page d'un parent, dans le processus (sans serveur) : temps CPU, requêtes SQL
et modules où passe le temps (cProfile).

    DATABASE_URL=… SECRET_KEY=… DEBUG=0 .venv/bin/python bench/profil.py / /reservations/

À lancer sur une base où la démo est chargée (``manage.py demo``), avec les réglages de
production (DEBUG=0) ; le parent est celui de la démo (jean.dupont@example.fr) ou
``--email`` (les familles du banc, ``bench/familles_banc.py`` : banc0002@example.fr a 3
enfants). Rien n'est écrit en base hors la session du parent. Chaque page est calculée à
chaque requête : c'est le coût d'une première visite.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+", help="pages à profiler, ex. / /factures/")
    parser.add_argument("--email", default="jean.dupont@example.fr")
    parser.add_argument("--fois", type=int, default=40, help="requêtes mesurées par page")
    parser.add_argument("--modules", type=int, default=10, help="modules affichés par page")
    parser.add_argument(
        "--pile",
        type=int,
        default=0,
        help="les N fonctions au plus long temps cumulé (middlewares, processeurs de contexte…)",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(RACINE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from portail.noyau.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=args.email))
    client.get("/compte/password/change/")  # le cookie CSRF qu'a tout navigateur
    requetes: list[str] = []

    def compter(execute, sql, params, many, context):
        requetes.append(sql)
        return execute(sql, params, many, context)

    for url in args.urls:
        for _ in range(5):  # chauffe : gabarits compilés, caches remplis
            reponse = client.get(url)
        if reponse.status_code != 200:
            sys.exit(f"{url} répond {reponse.status_code}.")
        requetes.clear()
        with connection.execute_wrapper(compter):
            client.get(url)
        cpu, mur = time.process_time(), time.perf_counter()
        for _ in range(args.fois):
            client.get(url)
        cpu = (time.process_time() - cpu) / args.fois * 1000
        mur = (time.perf_counter() - mur) / args.fois * 1000
        print(f"{url} : {cpu:.1f} ms CPU, {mur:.1f} ms au total, {len(requetes)} requêtes SQL")

        profil = cProfile.Profile()
        profil.enable()
        for _ in range(args.fois):
            client.get(url)
        profil.disable()
        # Le nombre d'appels ne dépend pas de la charge de la machine : c'est le chiffre à
        # comparer entre deux versions quand le temps CPU varie du simple au double.
        appels = pstats.Stats(profil).total_calls / args.fois  # type: ignore[attr-defined]
        print(f"    {appels:.0f} appels de fonctions Python par requête")
        par_module: Counter[str] = Counter()
        for (fichier, _ligne, _nom), stats in pstats.Stats(profil).stats.items():  # type: ignore[attr-defined]
            if "site-packages/" in fichier:
                module = "/".join(fichier.split("site-packages/")[-1].split("/")[:2])
            else:
                module = fichier.replace(str(RACINE) + "/", "")
            par_module[module] += stats[2]
        total = sum(par_module.values()) or 1.0
        for module, duree in par_module.most_common(args.modules):
            print(f"    {module:<55} {duree / total:6.1%}")
        if args.pile:
            # Temps cumulé par fonction, en ms par requête : la pile de middlewares, la
            # session, le compte, les processeurs de contexte, la vue et le gabarit.
            cumules = sorted(
                pstats.Stats(profil).stats.items(),  # type: ignore[attr-defined]
                key=lambda item: item[1][3],
                reverse=True,
            )
            for (fichier, ligne, nom), stats in cumules[: args.pile]:
                court = fichier.split("site-packages/")[-1].replace(str(RACINE) + "/", "")
                print(f"    {stats[3] / args.fois * 1000:6.2f} ms  {court}:{ligne}({nom})")


if __name__ == "__main__":
    main()
