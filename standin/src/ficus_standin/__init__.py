"""The Magento stand-in: Magento's REST V1 subset served over the real Magento schema.

Run it with `python -m ficus_standin serve --port 18080`; `python -m ficus_standin seed` installs
the schema and generates a deterministic store (`ficus_standin.generator`). Magento knowledge
(schema, EAV, flattening, JSON, tokens) comes from the `ficus_legacy` library.
Settings come from FICUS_LEGACY_* variables (`StandinSettings`): MYSQL_URL
(`mysql://user:pw@host:port/db`), ADMIN_USERNAME / ADMIN_PASSWORD (the admin user is
configured, not stored: there is no `admin_user` table), TOKEN_TTL_SECONDS, POOL_SIZE, and
JWT_SECRET (an HS256 key overriding the one derived from FICUS_STANDIN_CRYPT_KEY, env.php's
`crypt/key`, from which tokens are signed as Magento signs them).
Routes live under `/rest/{store_code}/V1/…` and `/rest/V1/…` (`all` = store 0, no code = the
default store view); `GET /healthz` checks the database.
"""

from ficus_standin.app import create_app
from ficus_standin.settings import StandinSettings

__all__ = ["StandinSettings", "create_app"]
