# netcrm's image: web (gunicorn), the two workers and beat all run from it (compose.yaml).
# Checked statically by tests/netcrm/test_container_files.py: images cannot be
# pulled on the machine netcrm is developed on, so this file is not built there.
FROM python:3.13-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles

RUN useradd --system --create-home --uid 1000 netcrm \
    && mkdir -p /data /app \
    && chown netcrm:netcrm /data

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .
# Static files collected, compressed and fingerprinted into the image, once. The key
# only lets settings load here; the containers are given their own SECRET_KEY.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && rm -f /data/secret_key

USER netcrm
EXPOSE 8000
CMD ["gunicorn", "netcrm.wsgi:application", "--workers", "3", "--threads", "2", "--worker-class", "gthread", "--timeout", "60", "--graceful-timeout", "20", "--access-logfile", "-", "--access-logformat", "%(h)s \"%(r)s\" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s", "--bind", "0.0.0.0:8000"]
