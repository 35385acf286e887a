"""Les visites mélangées du banc : une liste de (cookie, adresse) demandée exactement une
fois, par N clients simultanés (asyncio, une connexion par requête comme un navigateur
face à gunicorn sync), avec la latence de chaque requête.

wrk ne sait pas demander une liste finie exactement une fois (il tourne pendant une durée)
et perdait une réponse sur quelques centaines quand un fil s'arrêtait : la liste est donc
envoyée ici. Le client coûte ≈ 0,2 ms de CPU par requête, pris sur la même machine : il
désavantage un peu les visites par rapport à la vue nue mesurée par wrk.
"""

import asyncio
import time
from statistics import quantiles


async def _une(hote: str, port: int, cookie: str, chemin: str) -> tuple[int, float]:
    debut = time.perf_counter()
    lecteur, ecrivain = await asyncio.open_connection(hote, port)
    ecrivain.write(
        f"GET {chemin} HTTP/1.1\r\nHost: {hote}\r\nCookie: {cookie}\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    await ecrivain.drain()
    reponse = await lecteur.read()  # jusqu'à la fermeture par gunicorn
    ecrivain.close()
    duree = time.perf_counter() - debut
    statut = int(reponse.split(b" ", 2)[1]) if reponse.startswith(b"HTTP/") else 0
    return statut, duree


async def _toutes(hote: str, port: int, visites: list[tuple[str, str]], clients: int):
    file = list(reversed(visites))
    resultats: list[tuple[int, float]] = []

    async def client() -> None:
        while file:
            cookie, chemin = file.pop()
            try:
                resultats.append(await asyncio.wait_for(_une(hote, port, cookie, chemin), 30))
            except (OSError, TimeoutError):
                resultats.append((0, 30.0))

    debut = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return resultats, time.perf_counter() - debut


def visiter(hote: str, port: int, visites: list[tuple[str, str]], clients: int) -> dict:
    resultats, duree = asyncio.run(_toutes(hote, port, visites, clients))
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
