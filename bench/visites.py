"""Les visites mélangées du banc : une liste de (cookie, adresse) demandée exactement une
fois, par N clients simultanés (un fil chacun, une connexion par requête comme un navigateur
face à gunicorn sync), avec la latence de chaque requête.

wrk ne sait pas demander une liste finie exactement une fois (il tourne pendant une durée)
et perdait une réponse sur quelques centaines quand un fil s'arrêtait : la liste est donc
envoyée ici. Le client tourne sur la même machine que le serveur et lui prend du CPU : des
fils à sockets bloquantes en prennent ≈ 0,3 ms par visite, là où un client asyncio en
prenait ≈ 0,7 (mesuré par ``/usr/bin/time`` sur 2 600 visites ; docs/performance.md). Il
désavantage encore un peu les visites par rapport à la vue nue mesurée par wrk.
"""

import socket
import threading
import time
from statistics import quantiles

DELAI_S = 30.0


def _une(hote: str, port: int, cookie: str, chemin: str) -> tuple[int, float]:
    debut = time.perf_counter()
    with socket.create_connection((hote, port), timeout=DELAI_S) as prise:
        prise.sendall(
            f"GET {chemin} HTTP/1.1\r\nHost: {hote}\r\nCookie: {cookie}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        morceaux = []
        while morceau := prise.recv(65536):  # jusqu'à la fermeture par gunicorn
            morceaux.append(morceau)
    duree = time.perf_counter() - debut
    reponse = b"".join(morceaux)
    statut = int(reponse.split(b" ", 2)[1]) if reponse.startswith(b"HTTP/") else 0
    return statut, duree


def visiter(hote: str, port: int, visites: list[tuple[str, str]], clients: int) -> dict:
    file = list(reversed(visites))
    verrou = threading.Lock()
    resultats: list[tuple[int, float]] = []

    def client() -> None:
        while True:
            with verrou:
                if not file:
                    return
                cookie, chemin = file.pop()
            try:
                resultat = _une(hote, port, cookie, chemin)
            except OSError:  # délai dépassé compris
                resultat = (0, DELAI_S)
            resultats.append(resultat)

    fils = [threading.Thread(target=client) for _ in range(clients)]
    debut = time.perf_counter()
    for un in fils:
        un.start()
    for un in fils:
        un.join()
    duree = time.perf_counter() - debut
    latences = sorted(d for _, d in resultats)
    centiles = quantiles(latences, n=100, method="inclusive")
    return {
        "requetes_par_s": len(resultats) / duree,
        "p50_ms": centiles[49] * 1000,
        "p95_ms": centiles[94] * 1000,
        "p99_ms": centiles[98] * 1000,
        "erreurs": sum(1 for statut, _ in resultats if statut != 200),
        "pages": len(resultats),
    }
