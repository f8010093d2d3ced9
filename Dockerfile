# Lemniscate's worker, HTTP API and codec server: one image, the command picks the role
# (`docker run IMAGE worker`, `... api --host 0.0.0.0`, `... codec-server --host 0.0.0.0`).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Pango and a font for WeasyPrint, which lays out the closing report as PDF (coalitions/closing.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The whole project minus what .dockerignore leaves out (tests, docs, caches, local data),
# so a package added to pyproject.toml is in the image without touching this file.
COPY . .

# The tracing extra makes LEMNISCATE_TRACING=1 work without rebuilding.
RUN pip install ".[tracing]" \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin lemniscate \
    && mkdir -p /var/lib/lemniscate \
    && chown lemniscate /var/lib/lemniscate

USER lemniscate
ENV LEMNISCATE_DATA_DIR=/var/lib/lemniscate

ENTRYPOINT ["lemniscate"]
CMD ["worker"]
