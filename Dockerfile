# Image du Portail Famille : Debian slim, pango pour WeasyPrint, dépendances épinglées,
# fichiers statiques collectés dans l'image (servis par WhiteNoise).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTAIL_VAR_DIR=/app/var \
    STATIC_ROOT=/app/statiques \
    MEDIA_ROOT=/app/var/prive

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 portail

WORKDIR /app
COPY pyproject.toml ./
RUN pip install .
COPY . .
RUN DEBUG=0 SECRET_KEY=construction-de-l-image-seulement-jamais-utilisee-en-service-0123456789 \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && mkdir -p /app/var/prive /app/var/beat /app/var/static /app/var/mail \
    && chown -R portail:portail /app/var

USER portail
EXPOSE 8000
CMD ["gunicorn", "portail.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--timeout", "60"]
