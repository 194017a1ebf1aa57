"""Account management beside the customer writes (Magento 2.4.8's `AccountManagement`):
password reset, activation, confirmation status, resend, readonly. The rules are
`ficus_legacy.core.recovery`; each change is a write like any other (customer row + outbox row,
`Accounts.commit`). No mail is sent."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from ficus_contracts.customers import CustomerState
from ficus_customer import repository, stores
from ficus_customer.accounts import Accounts, load, strong
from ficus_customer.core import edits
from ficus_customer.errors import InputError
from ficus_customer.repository import Conn, Stored
from ficus_legacy.core import accounts, passwords, recovery


class Recovery:
    """Password reset and activation against the service's customers."""

    def __init__(self, accounts_: Accounts) -> None:
        self.accounts = accounts_

    def _by_email(self, conn: Conn, email: str, website_id: int | None) -> Stored:
        owner = repository.email_owner(conn, email, website_id)
        if owner is None:
            raise recovery.no_such_email(email, website_id)
        return load(conn, owner, for_update=True)

    def _save(
        self, conn: Conn, before: Stored, changes: dict[str, Any], revoke_before: int | None = None
    ) -> CustomerState:
        now = edits.magento_time(datetime.now(UTC))
        state = edits.changed(before.state, {**changes, "updated_at": now})
        self.accounts.commit(conn, before, state, revoke_before)
        return state

    def website(self, conn: Conn, store_code: str | None, given: Any = None) -> int:
        return int(given or stores.resolve(conn, store_code).website_id)

    def initiate_reset(
        self, store_code: str | None, email: str, website: Any, template: str
    ) -> None:
        """`initiatePasswordReset`: a new reset token for the email's customer."""
        with self.accounts.transaction() as conn:
            before = self._by_email(conn, email, self.website(conn, store_code, website))
            recovery.check_template(template)
            now = edits.magento_time(datetime.now(UTC))
            self._save(conn, before, {"rp_token": recovery.new_token(), "rp_token_created_at": now})

    @staticmethod
    def _check_token(state: CustomerState, token: object) -> None:
        created = edits.parse_time(state.rp_token_created_at)
        recovery.check_reset_token(state.rp_token, created, token, datetime.now(UTC))

    def check_token(self, customer_id: int, token: str) -> None:
        """`validateResetPasswordLinkToken`."""
        if customer_id <= 0:
            raise InputError.invalid("customerId", customer_id)
        with self.accounts.transaction() as conn:
            self._check_token(load(conn, customer_id).state, token)

    def reset_password(self, store_code: str | None, email: str, token: str, new: str) -> None:
        """`resetPassword`: the new password; the token is used up, older tokens revoked."""
        with self.accounts.transaction() as conn:
            before = self._by_email(conn, email, self.website(conn, store_code))
            self._check_token(before.state, token)
            if new.lower() == email.lower():
                raise InputError(accounts.SAME_AS_EMAIL)
            strong(new)
            changes = {"rp_token": None, "rp_token_created_at": None,
                       "password_hash": passwords.hash_password(new)}  # fmt: skip
            self._save(conn, before, changes, int(time.time()))

    def _activate(self, conn: Conn, before: Stored, key: object) -> CustomerState:
        recovery.check_activation(before.state.confirmation, key)
        return self._save(conn, before, {"confirmation": None})

    def activate_by_id(self, customer_id: int, key: object) -> CustomerState:
        """`activateById` (`PUT /V1/customers/me/activate`)."""
        with self.accounts.transaction() as conn:
            return self._activate(conn, load(conn, customer_id, for_update=True), key)

    def activate(self, store_code: str | None, email: str, key: object) -> CustomerState:
        """`activate` by email in the store's website."""
        with self.accounts.transaction() as conn:
            before = self._by_email(conn, email, self.website(conn, store_code))
            return self._activate(conn, before, key)

    def confirmation(self, customer_id: int) -> str:
        """`getConfirmationStatus`."""
        with self.accounts.transaction() as conn:
            return recovery.confirmation_status(load(conn, customer_id).state.confirmation)

    def resend(self, email: str, website_id: int) -> None:
        """`resendConfirmation` (no mail is sent)."""
        with self.accounts.transaction() as conn:
            recovery.check_resend(self._by_email(conn, email, website_id).state.confirmation)

    def readonly(self, customer_id: int) -> bool:
        """`isReadonly`: every stored customer can be deleted."""
        with self.accounts.transaction() as conn:
            load(conn, customer_id)
        return False
