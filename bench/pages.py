"""Banc d'essai des pages des parents : premières visites de 100 parents, servies par gunicorn.

    .venv/bin/python bench/pages.py [--sessions 100] [--clients 20] [--duree 5] [--tours 3]

Crée (ou recrée) une base de banc, la remplit avec la démo et ``--sessions`` familles avec
compte (``bench/familles_banc.py``), lance gunicorn sur 127.0.0.1 (2 processus sync,
réglages de production, PostgreSQL + Redis), le chauffe par une passe de visites mélangées
non comptée (d'autres sessions : des processus neufs compilent gabarits et lectures), puis, à
chaque tour :

1. connecte ``--sessions`` parents distincts, comme un navigateur (page de connexion, envoi
   du formulaire, page d'arrivée qui efface le message « connexion réussie ») ;
2. la référence : la vue Django nue, servie par le même serveur, demandée en boucle par
   ``--clients`` clients simultanés (wrk), avant et après chacune des mesures suivantes :
   le rapport de chacune est pris à la moyenne des deux ;
3. les visites mélangées : chaque page du menu (lue dans l'en-tête de l'accueil) de chaque
   session exactement une fois, dans un ordre mélangé, par ``--clients`` clients
   simultanés ;
4. chaque page seule : une session (la famille de 3 enfants) qui la demande en boucle.

Affiche le débit, la latence, le temps CPU des processus gunicorn par requête (lu dans
``/proc`` : il varie moins que le débit d'une heure à l'autre) et le rapport au débit de la
vue nue (médiane des tours), et
les cibles : visites mélangées ≥ 0,12 de la vue nue avec p99 ≤ 200 ms, chaque page seule
≥ 0,08. Tout reste sur la boucle locale ; la durée est bornée.
"""

import argparse
import json
import os
import random
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.banc_http import (
    HOTE,
    LiensDuMenu,
    connecter_parent,
    port_libre,
    recreer_base,
    requete,
    supprimer_base,
)
from bench.familles_banc import MOT_DE_PASSE, identifiant
from bench.visites import visiter

RACINE = Path(__file__).resolve().parent.parent
CIBLE_MELANGE = 0.12
CIBLE_P99_MS = 200.0
CIBLE_PAGE = 0.08
# La famille mesurée seule : la troisième a 3 enfants (bench/familles_banc.py).
SESSION_SEULE = 2


@dataclass
class Mesure:
    page: str
    url: str
    requetes_par_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    erreurs: int
    pages: int = 0
    rapport: float = 1.0
    # Temps CPU des processus gunicorn par requête (ms), lu dans /proc : il varie moins que
    # le débit d'une heure à l'autre sur une machine partagée.
    cpu_ms: float = 0.0
    # Temps CPU du client de charge par requête (ms) : wrk, ou bench/visites.py pour les
    # visites mélangées. Il tourne sur les mêmes cœurs que le serveur.
    client_cpu_ms: float = 0.0


def _cpu_gunicorn(maitre: int) -> float:
    """Secondes de CPU consommées par le processus maître de gunicorn et ses processus."""
    total = 0
    for entree in Path("/proc").iterdir():
        if not entree.name.isdigit():
            continue
        try:
            champs = (entree / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # processus terminé entre-temps
            continue
        # Après le nom : état, ppid… ; utime et stime sont les 14e et 15e champs de stat.
        if int(entree.name) == maitre or int(champs[1]) == maitre:
            total += int(champs[11]) + int(champs[12])
    return total / os.sysconf("SC_CLK_TCK")


def _avec_cpu(maitre: int, mesure: Callable[[], dict]) -> dict:
    """Lance une mesure et y ajoute le CPU de gunicorn par requête servie."""
    avant = _cpu_gunicorn(maitre)
    chiffres = mesure()
    chiffres["cpu_ms"] = (_cpu_gunicorn(maitre) - avant) * 1000 / max(chiffres["pages"], 1)
    return chiffres


def _wrk() -> str:
    chemin = shutil.which("wrk")
    if chemin:
        return chemin
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        chemin = shutil.which("wrk")
    if not chemin:
        sys.exit("wrk est introuvable : apt-get install -y wrk")
    return chemin


def _mesurer(
    wrk: str,
    port: int,
    chemin: str,
    *,
    duree: int,
    clients: int,
    fils: int,
    cookie: str = "",
) -> dict:
    fils = min(fils, clients)
    commande = [
        wrk,
        f"-t{fils}",
        f"-c{clients}",
        f"-d{duree}s",
        "--timeout",
        "5s",
        "-s",
        str(RACINE / "bench" / "wrk.lua"),
        f"http://{HOTE}:{port}{chemin}",
    ]
    env = {**os.environ, "BANC_COOKIE": cookie}
    avant = resource.getrusage(resource.RUSAGE_CHILDREN)  # gunicorn, lui, n'est pas fini
    sortie = subprocess.run(
        commande, env=env, capture_output=True, text=True, timeout=duree + 60, check=True
    ).stdout
    apres = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_wrk = apres.ru_utime + apres.ru_stime - avant.ru_utime - avant.ru_stime
    ligne = re.search(
        r"BANC pages=(\d+) duree_us=(\d+) p50_us=(\d+) p95_us=(\d+) "
        r"p99_us=(\d+) erreurs=(\d+) non_200=(\d+)",
        sortie,
    )
    if not ligne:
        sys.exit(f"Sortie de wrk illisible :\n{sortie}")
    pages, duree_us, p50, p95, p99, erreurs, non_200 = (int(x) for x in ligne.groups())
    return {
        "requetes_par_s": pages / (duree_us / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "erreurs": erreurs + non_200,
        "pages": pages,
        "client_cpu_ms": cpu_wrk * 1000 / max(pages, 1),
    }


def _preparer(python: str, env: dict[str, str], sessions: int) -> None:
    for commande in (
        ["migrate", "--noinput", "-v", "0"],
        ["demo"],
        ["shell", "-c", f"from bench.familles_banc import creer; creer({sessions})"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run(
            [python, "manage.py", *commande],
            cwd=RACINE,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=600,
        )


def _lancer_gunicorn(python: str, env: dict[str, str], workers: int) -> tuple:
    port = port_libre()
    gunicorn = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "portail.wsgi:application",
            "--bind",
            f"{HOTE}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=RACINE,
        env=env,
    )
    fin = time.monotonic() + 30
    while True:
        try:
            if requete(port, "GET", "/sante/", {})[0] == 200:
                return gunicorn, port
        except OSError:
            pass
        if time.monotonic() > fin or gunicorn.poll() is not None:
            sys.exit("gunicorn n'a pas démarré.")
        time.sleep(0.2)


def _adresse_finale(port: int, chemin: str, cookies: dict[str, str], libelle: str) -> str:
    """Une entrée de menu qui redirige (le planning vers l'enfant et le mois en cours) est
    mesurée à l'adresse où le navigateur arrive (la redirection n'est pas la page)."""
    for _ in range(3):
        statut, entetes, _ = requete(port, "GET", chemin, dict(cookies), lire=False)
        destination = entetes.get("Location", "")
        if statut in (301, 302) and destination.startswith("/"):
            chemin = destination
            continue
        if statut != 200:
            sys.exit(f"{libelle} ({chemin}) répond {statut} {destination}.")
        return chemin
    sys.exit(f"{libelle} ({chemin}) redirige trop de fois.")


def _menu(port: int, cookies: dict[str, str], filtres: list[str]) -> list[tuple[str, str]]:
    statut, _, accueil = requete(port, "GET", "/", dict(cookies))
    if statut != 200:
        sys.exit(f"L'accueil du parent répond {statut}.")
    menu = LiensDuMenu()
    menu.feed(accueil)
    entrees = [(libelle, lien) for libelle, lien in menu.liens if lien.startswith("/")]
    if not entrees:
        sys.exit("Aucune entrée de menu trouvée sur l'accueil : le banc ne mesurerait rien.")
    # Les sous-pages d'une entrée (onglets de Renseignements : Mon compte, Mes enfants).
    pages: list[tuple[str, str]] = []
    for libelle, lien in entrees:
        pages.append((libelle, lien))
        statut, _, contenu = requete(port, "GET", lien, dict(cookies))
        onglets = LiensDuMenu("nav-tabs")
        onglets.feed(contenu if statut == 200 else "")
        pages += [
            (f"{libelle} › {sous}", chemin)
            for sous, chemin in onglets.liens
            if chemin.startswith(lien) and chemin != lien and (sous, chemin) not in pages
        ]
    if filtres:
        pages = [p for p in pages if any(f in p[0].lower() for f in filtres)]
    return pages


def _cookie(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _sessions(args, port: int, filtres: list[str]) -> tuple[list, list]:
    """``--sessions`` parents connectés, et les adresses des pages du menu de chacun."""
    debut = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as groupe:  # 2 processus gunicorn
        sessions = list(
            groupe.map(
                lambda i: connecter_parent(port, identifiant(i), MOT_DE_PASSE),
                range(args.sessions),
            )
        )
    menu = _menu(port, sessions[0], filtres)
    # Les adresses de chaque session (le planning mène à l'enfant de sa famille).
    adresses = [
        [(libelle, _adresse_finale(port, chemin, cookies, libelle)) for libelle, chemin in menu]
        for cookies in sessions
    ]
    print(
        f"  {args.sessions} sessions connectées, {len(menu)} pages du menu "
        f"({time.monotonic() - debut:.0f} s)",
        flush=True,
    )
    return sessions, adresses


def _visites(sessions: list, adresses: list) -> list[tuple[str, str]]:
    """Chaque page du menu de chaque session une fois, dans un ordre mélangé."""
    visites = [
        (_cookie(cookies), chemin)
        for cookies, pages in zip(sessions, adresses, strict=True)
        for _libelle, chemin in pages
    ]
    random.shuffle(visites)
    return visites


def _chauffer(args, port: int, filtres: list[str]) -> None:
    """Des processus gunicorn neufs : gabarits à compiler, lectures compilées, caches de la
    commune et de PostgreSQL à remplir. Un serveur en service a déjà servi des milliers de
    pages : une passe de visites mélangées, non comptée, par d'autres sessions que celles
    des tours (chaque session mesurée voit chaque page pour la première fois)."""
    print("Chauffe du serveur (non comptée)", flush=True)
    sessions, adresses = _sessions(args, port, filtres)
    chauffe = visiter(HOTE, port, _visites(sessions, adresses), args.clients)
    print(f"  {chauffe['pages']} visites, {chauffe['requetes_par_s']:.0f} req/s", flush=True)


def _tour(args, wrk: str, port: int, maitre: int, filtres: list[str]) -> list[Mesure]:
    """Un tour. La vue nue est mesurée avant et après chaque mesure (visites mélangées, puis
    chaque page seule) : le rapport de chacune est pris à la moyenne des deux, à quelques
    secondes d'elle. La vitesse de cette machine partagée change d'une minute à l'autre
    (vue nue de 1 500 à 3 000 req/s dans un même banc) : une référence lue une minute plus
    tôt ou plus tard faisait bouger le rapport plus que le code."""
    sessions, adresses = _sessions(args, port, filtres)
    commun = {"clients": args.clients, "fils": args.wrk_fils}
    mesurer_nue = partial(
        _avec_cpu, maitre, partial(_mesurer, wrk, port, "/banc/nu/", duree=args.duree, **commun)
    )
    _mesurer(wrk, port, "/banc/nu/", duree=args.chauffe, **commun)
    nues = [mesurer_nue()]

    visites = _visites(sessions, adresses)
    melange = _avec_cpu(maitre, partial(visiter, HOTE, port, visites, args.clients))
    mesures = [Mesure(page="Visites mélangées", url=f"{len(visites)} visites", **melange)]
    nues.append(mesurer_nue())
    references = [(nues[0]["requetes_par_s"] + nues[1]["requetes_par_s"]) / 2]

    seule = sessions[min(SESSION_SEULE, len(sessions) - 1)]
    for libelle, chemin in adresses[min(SESSION_SEULE, len(sessions) - 1)]:
        cookie = _cookie(seule)
        _mesurer(wrk, port, chemin, duree=args.chauffe, cookie=cookie, **commun)
        chiffres = _avec_cpu(
            maitre, partial(_mesurer, wrk, port, chemin, duree=args.duree, cookie=cookie, **commun)
        )
        mesures.append(Mesure(page=libelle, url=chemin, **chiffres))
        nues.append(mesurer_nue())
        references.append((nues[-2]["requetes_par_s"] + nues[-1]["requetes_par_s"]) / 2)
        print(
            f"  {libelle} : {chiffres['requetes_par_s']:.0f} req/s (vue nue {references[-1]:.0f})",
            flush=True,
        )

    cles = ("requetes_par_s", "p50_ms", "p95_ms", "p99_ms", "cpu_ms", "client_cpu_ms")
    reference = Mesure(
        page="Vue Django nue",
        url="/banc/nu/",
        erreurs=sum(n["erreurs"] for n in nues),
        pages=sum(n["pages"] for n in nues),
        **{cle: sum(n[cle] for n in nues) / len(nues) for cle in cles},
    )
    for mesure, debit_nu in zip(mesures, references, strict=True):
        mesure.rapport = mesure.requetes_par_s / debit_nu
    print(
        f"  vue nue {nues[0]['requetes_par_s']:.0f} puis {nues[1]['requetes_par_s']:.0f} "
        f"req/s autour des visites mélangées ({melange['requetes_par_s']:.0f} req/s, "
        f"rapport {mesures[0].rapport:.3f}, p99 {melange['p99_ms']:.0f} ms, "
        f"CPU gunicorn {melange['cpu_ms']:.2f} ms par visite, client "
        f"{melange['client_cpu_ms']:.2f} ms ; client de la vue nue "
        f"{reference.client_cpu_ms:.2f} ms)",
        flush=True,
    )
    return [reference, *mesures]


def _afficher(mesures: list[Mesure], args) -> int:
    largeur = max(len(m.page) for m in mesures)
    print()
    print(
        f"| {'Page':<{largeur}} | req/s | p50 (ms) | p95 (ms) | p99 (ms) | CPU (ms/req) "
        "| CPU client | rapport à la vue nue | cible |"
    )
    print(
        f"|{'-' * (largeur + 2)}|------:|---------:|---------:|---------:|-------------:"
        "|-----------:|---------------------:|:-----:|"
    )
    echecs = 0
    for index, m in enumerate(mesures):
        if index == 0:
            cible = "réf."
        elif index == 1:
            ok = m.erreurs == 0 and m.rapport >= CIBLE_MELANGE and m.p99_ms <= CIBLE_P99_MS
            cible = "oui" if ok else "NON"
        else:
            ok = m.erreurs == 0 and m.rapport >= CIBLE_PAGE
            cible = "oui" if ok else "NON"
        echecs += cible == "NON"
        print(
            f"| {m.page:<{largeur}} | {m.requetes_par_s:5.0f} | {m.p50_ms:8.1f} | "
            f"{m.p95_ms:8.1f} | {m.p99_ms:8.1f} | {m.cpu_ms:12.2f} | {m.client_cpu_ms:10.2f} | "
            f"{m.rapport:20.3f} | "
            f"{cible:^5} |"
        )
    charge = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nCharge de la machine (load average 1/5/15 min) à la fin : {charge}.")
    print(
        f"Cibles : visites mélangées ≥ {CIBLE_MELANGE:.2f} du débit de la vue nue et p99 ≤ "
        f"{CIBLE_P99_MS:.0f} ms ; chaque page seule ≥ {CIBLE_PAGE:.2f} ; {args.clients} "
        f"clients, gunicorn {args.workers} processus sync, sans erreur."
    )
    return echecs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100, help="parents connectés")
    parser.add_argument("--clients", type=int, default=20, help="clients simultanés (wrk)")
    parser.add_argument("--duree", type=int, default=5, help="secondes par page seule")
    parser.add_argument("--chauffe", type=int, default=1, help="secondes de chauffe par page")
    parser.add_argument("--workers", type=int, default=2, help="processus gunicorn (sync)")
    parser.add_argument("--tours", type=int, default=3, help="tours de mesure (médiane)")
    parser.add_argument("--wrk-fils", type=int, default=2, help="fils de wrk (client de charge)")
    parser.add_argument("--pages", default="", help="pages mesurées, ex. « accueil,factures »")
    parser.add_argument(
        "--base",
        default=os.environ.get(
            "BANC_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portail_banc"
        ),
        help="base PostgreSQL du banc (recréée à chaque passage)",
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BANC_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--garder-base", action="store_true", help="ne pas supprimer la base")
    args = parser.parse_args()
    if not (
        1 <= args.duree <= 30
        and 0 <= args.chauffe <= 10
        and 1 <= args.clients <= 100
        and 1 <= args.tours <= 9
        and 3 <= args.sessions <= 500
        and 1 <= args.workers <= 8
    ):
        sys.exit(
            "--duree 1 à 30 s, --chauffe 0 à 10 s, --clients 1 à 100, --tours 1 à 9, "
            "--sessions 3 à 500, --workers 1 à 8."
        )
    filtres = [f.strip().lower() for f in args.pages.split(",") if f.strip()]

    wrk = _wrk()
    dossier = Path(tempfile.mkdtemp(prefix="banc-portail-"))
    env = {k: v for k, v in os.environ.items() if k != "PORTAIL_TESTS"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": HOTE,
            "DATABASE_URL": args.base,
            "REDIS_URL": args.redis,
            "CONN_MAX_AGE": "600",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "PORTAIL_VAR_DIR": str(dossier),
            "STATIC_ROOT": str(dossier / "static"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "LOG_LEVEL": "ERROR",
        }
    )
    print(f"Base {args.base} recréée, migrations, démo et {args.sessions} familles…", flush=True)
    recreer_base(args.base)
    gunicorn = None
    tours: list[list[Mesure]] = []
    try:
        _preparer(sys.executable, env, args.sessions)
        gunicorn, port = _lancer_gunicorn(sys.executable, env, args.workers)
        print(
            f"gunicorn {args.workers} processus sync sur {HOTE}:{port}, wrk {args.clients} "
            f"clients, {args.duree} s par page seule.",
            flush=True,
        )
        _chauffer(args, port, filtres)
        for numero in range(1, args.tours + 1):
            print(f"Tour {numero}/{args.tours}", flush=True)
            tours.append(_tour(args, wrk, port, gunicorn.pid, filtres))
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        if not args.garder_base:
            supprimer_base(args.base)
        shutil.rmtree(dossier, ignore_errors=True)

    mesures = [
        Mesure(
            page=premiere.page,
            url=premiere.url,
            requetes_par_s=median(t[i].requetes_par_s for t in tours),
            p50_ms=median(t[i].p50_ms for t in tours),
            p95_ms=median(t[i].p95_ms for t in tours),
            p99_ms=median(t[i].p99_ms for t in tours),
            erreurs=sum(t[i].erreurs for t in tours),
            pages=sum(t[i].pages for t in tours),
            rapport=median(t[i].rapport for t in tours),
            cpu_ms=median(t[i].cpu_ms for t in tours),
            client_cpu_ms=median(t[i].client_cpu_ms for t in tours),
        )
        for i, premiere in enumerate(tours[0])
    ]
    echecs = _afficher(mesures, args)
    resultats = RACINE / "bench" / "resultats"
    resultats.mkdir(exist_ok=True)
    horodatage = time.strftime("%Y%m%d-%H%M%S")
    (resultats / f"pages-{horodatage}.json").write_text(
        json.dumps(
            {
                "reglages": vars(args),
                "charge": os.getloadavg(),
                "medianes": [asdict(m) for m in mesures],
                "tours": [[asdict(m) for m in tour] for tour in tours],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    sys.exit(1 if echecs else 0)


if __name__ == "__main__":
    main()
