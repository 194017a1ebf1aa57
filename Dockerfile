# One image for every Ficus deployable (proxy, control, sync, catalog, search, customer); the compose file
# picks the entry point with `command:`. For deployment only: no Docker engine runs in development.
FROM python:3.11-slim AS base
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy PYTHONUNBUFFERED=1
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY . /app
# The deployables only: no Magento stand-in (ficus-standin) and no dev stack (ficus-devstack).
RUN uv sync --frozen --no-dev --package ficus-proxy --package ficus-control --package ficus-sync \
    --package ficus-catalog --package ficus-search --package ficus-customer
ENV PATH="/app/.venv/bin:$PATH"
USER nobody
