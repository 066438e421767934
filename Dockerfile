# Simpul: multi-stage image. The build stage compiles wheels; the runtime stage runs gunicorn
# as an unprivileged user with static files collected at build time.
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY platform ./platform
COPY tenants ./tenants
COPY cms ./cms
COPY sop ./sop
COPY inbox ./inbox
COPY evaluation ./evaluation
RUN pip wheel --wheel-dir /wheels .

FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=simpul.settings \
    PYTHONPATH=/app/platform:/app \
    STATIC_ROOT=/app/var/static MEDIA_ROOT=/app/var/media
# postgresql-client: pg_dump clones the template schema and backs up an instansi.
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 postgresql-client fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 simpul
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
WORKDIR /app
COPY --chown=simpul:simpul . .
# collectstatic needs settings but no database; a throwaway key is enough at build time.
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R simpul:simpul /app/var
USER simpul
EXPOSE 8000
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "simpul.wsgi:application"]
