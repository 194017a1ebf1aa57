"""Customer reads: one customer's state, the searchCriteria page, token revocations, readiness."""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from ficus_contracts.customers import AddressState, CustomerState
from ficus_customer import criteria_sql, repository, stores
from ficus_customer.errors import NoSuchEntity
from ficus_customer.repository import Conn
from ficus_legacy.core.searchcriteria import SearchCriteria


class Reads:
    """Reads against the pool, each in its own short transaction."""

    def __init__(self, pool: ConnectionPool[Conn]) -> None:
        self.pool = pool

    def customer(self, customer_id: int) -> CustomerState:
        with self.pool.connection() as conn:
            stored = repository.load(conn, customer_id)
        if stored is None:
            raise NoSuchEntity.field("customerId", customer_id)
        return stored.state

    def address(self, address_id: int) -> tuple[AddressState, CustomerState]:
        with self.pool.connection() as conn:
            owner = repository.address_owner(conn, address_id)
            stored = None if owner is None else repository.load(conn, owner)
        if stored is None:
            raise NoSuchEntity.field("addressId", address_id)
        found = next(a for a in stored.state.addresses if a.entity_id == address_id)
        return found, stored.state

    def search(self, criteria: SearchCriteria) -> tuple[list[CustomerState], int]:
        where, params = criteria_sql.where_clause(criteria)
        order = criteria_sql.order_clause(criteria)
        query = (
            f"SELECT state, count(*) OVER () AS total FROM customer WHERE {where}"
            f" ORDER BY {order}{criteria_sql.limit_clause(criteria)}"
        )
        with self.pool.connection() as conn:
            rows = conn.execute(query, params).fetchall()
            total = int(rows[0]["total"]) if rows else self._count(conn, where, params)
        return [CustomerState.model_validate(r["state"]) for r in rows], total

    @staticmethod
    def _count(conn: Conn, where: str, params: list[object]) -> int:
        row = conn.execute(f"SELECT count(*) AS n FROM customer WHERE {where}", params).fetchone()
        return int(row["n"]) if row else 0

    def email_available(self, email: str, website_id: int) -> bool:
        with self.pool.connection() as conn:
            return repository.email_owner(conn, email, website_id) is None

    def revoked_before(self, user_type_id: int, user_id: int) -> int | None:
        with self.pool.connection() as conn:
            return repository.revoked_before(conn, user_type_id, user_id)

    def store(self, code: str | None) -> stores.StoreView:
        with self.pool.connection() as conn:
            return stores.resolve(conn, code)

    def ping(self) -> None:
        with self.pool.connection() as conn:
            conn.execute("SELECT 1")
