"""Le cache Redis de Django, avec un client Redis gardé par processus et par fil.

Le client de Django (``RedisCacheClient.get_client``) construit un objet ``redis.Redis``
neuf à chaque lecture ou écriture : ≈ 170 rappels de réponse recopiés dans un dictionnaire,
soit une demi-milliseconde de CPU par page pour la seule lecture de la session. Le client
Redis est sûr entre fils et la file de connexions est déjà gardée par Django : on garde
donc aussi le client.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ClientRedisGarde(RedisCacheClient):
    # Attributs du client de Django (absents de django-stubs).
    _servers: list[str]
    _pools: dict[int, Any]
    _pool_class: Any
    _pool_options: dict[str, Any]
    _client: Any
    _get_connection_pool_index: Callable[[bool], int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._client(connection_pool=self._pools[index])
            self._clients[index] = client
        return client


class CacheRedis(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ClientRedisGarde
