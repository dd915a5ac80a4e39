# Paperboy in a container: a slim Python, a non-root user, the database on a volume.
#   docker build -t paperboy .
#   docker run -d --env-file .env -v paperboy-data:/app/data paperboy
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PAPERBOY_DB=/app/data/paperboy.sqlite3

WORKDIR /app
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin paperboy

# Dependencies first (a layer that changes rarely), then the code.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install . \
    && mkdir -p /app/data \
    && chown paperboy:paperboy /app/data

USER paperboy
VOLUME ["/app/data"]
# `docker compose exec paperboy paperboy doctor` checks the setup (not a health check: a
# kicked group fails it, and that must not restart the bot).
CMD ["paperboy", "run"]
