FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# What WeasyPrint draws PDF reports with (the Makefile's APT_RUN_PACKAGES).
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core fonts-liberation && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
COPY factcheck ./factcheck
COPY claims ./claims
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 workbench && chown -R workbench /app
USER workbench
EXPOSE 8000
CMD ["gunicorn", "factcheck.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
