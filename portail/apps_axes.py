"""django-axes sous un nom français dans l'administration (débloquer un compte)."""

from axes.apps import AppConfig as AxesAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "Sécurité des connexions"
