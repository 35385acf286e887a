"""Réglages du banc d'essai : ceux de production, plus une vue Django nue pour comparer."""

from portail.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
