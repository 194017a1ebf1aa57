"""`python -m ficus_standin serve --port 18080` / `python -m ficus_standin seed …`."""

from ficus_standin.cli import app

app()
