"""Les visites mélangées du banc : une liste de (cookie, adresse) demandée exactement une
fois, par N connexions simultanées (une connexion par requête, comme un navigateur face à
gunicorn sync), avec la latence de chaque requête.

wrk ne sait pas demander une liste finie exactement une fois (il tourne pendant une durée)
et perdait une réponse sur quelques centaines quand un fil s'arrêtait : la liste est donc
envoyée ici, par un seul fil qui attend ses N sockets non bloquantes avec ``epoll``. Le
client tourne sur les mêmes deux cœurs que gunicorn, PostgreSQL et Redis : ce qu'il prend
de CPU, les pages ne l'ont pas. Il écrit son propre temps CPU par visite
(``client_cpu_ms``, colonne « CPU client » du banc) : 0,17 à 0,25 ms le 03/12/2026, contre
0,09 à 0,10 ms par requête pour wrk et la vue nue (vingt fils à sockets bloquantes en
prenaient ≈ 0,3 ms, un client asyncio ≈ 0,7 ; docs/performance.md).
"""

import select
import socket
import time
from dataclasses import dataclass, field
from statistics import quantiles

DELAI_S = 30.0


@dataclass(slots=True)
class _Visite:
    prise: socket.socket
    requete: bytes
    debut: float
    morceaux: list[bytes] = field(default_factory=list)


def _ouvrir(hote: str, port: int, cookie: str, chemin: str) -> _Visite:
    prise = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    prise.setblocking(False)
    debut = time.perf_counter()
    prise.connect_ex((hote, port))  # EINPROGRESS : la connexion s'établit pendant l'attente
    requete = (
        f"GET {chemin} HTTP/1.1\r\nHost: {hote}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    ).encode()
    return _Visite(prise=prise, requete=requete, debut=debut)


def _statut(morceaux: list[bytes]) -> int:
    tete = morceaux[0] if morceaux else b""
    return int(tete.split(b" ", 2)[1]) if tete.startswith(b"HTTP/") else 0


def visiter(hote: str, port: int, visites: list[tuple[str, str]], clients: int) -> dict:
    file = list(reversed(visites))
    resultats: list[tuple[int, float]] = []
    attente = select.epoll()
    en_cours: dict[int, _Visite] = {}

    def suivante() -> None:
        if file:
            visite = _ouvrir(hote, port, *file.pop())
            en_cours[visite.prise.fileno()] = visite
            attente.register(visite.prise, select.EPOLLOUT)

    def finir(fd: int, statut: int | None = None) -> None:
        visite = en_cours.pop(fd)
        attente.unregister(fd)
        visite.prise.close()
        duree = time.perf_counter() - visite.debut
        resultats.append((_statut(visite.morceaux) if statut is None else statut, duree))
        suivante()

    cpu = time.process_time()
    debut = time.perf_counter()
    for _ in range(clients):
        suivante()
    while en_cours:
        evenements = attente.poll(1.0)
        for fd, masque in evenements:
            visite = en_cours[fd]
            try:
                if masque & select.EPOLLOUT:
                    # La requête (quelques centaines d'octets) tient dans le tampon d'envoi.
                    envoye = visite.prise.send(visite.requete)
                    visite.requete = visite.requete[envoye:]
                    if not visite.requete:
                        attente.modify(fd, select.EPOLLIN)
                    continue
                # Une lecture par réveil : epoll redit la socket tant qu'il reste à lire.
                morceau = visite.prise.recv(262144)
                if morceau:
                    visite.morceaux.append(morceau)
                else:
                    finir(fd)  # fermée par gunicorn : la réponse est entière
            except BlockingIOError:
                continue
            except OSError:
                finir(fd, statut=0)
        if evenements:
            continue
        maintenant = time.perf_counter()  # rien en une seconde : les visites trop longues
        for fd in [fd for fd, v in en_cours.items() if maintenant - v.debut > DELAI_S]:
            finir(fd, statut=0)
    duree = time.perf_counter() - debut
    cpu = time.process_time() - cpu
    attente.close()
    latences = sorted(d for _, d in resultats)
    centiles = quantiles(latences, n=100, method="inclusive")
    return {
        "requetes_par_s": len(resultats) / duree,
        "p50_ms": centiles[49] * 1000,
        "p95_ms": centiles[94] * 1000,
        "p99_ms": centiles[98] * 1000,
        "erreurs": sum(1 for statut, _ in resultats if statut != 200),
        "pages": len(resultats),
        "client_cpu_ms": cpu * 1000 / max(len(resultats), 1),
    }
