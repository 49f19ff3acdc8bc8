-- Account administration (auth/accounts.h): the administrator's list of accounts by unit and by the start of a
-- name, and ending every stored session of an account whose password or second factor is reset or which is
-- disabled.
CREATE INDEX accounts_unit ON accounts(unit_id, id);
CREATE INDEX accounts_display_name ON accounts(display_name);
CREATE INDEX staff_sessions_account ON staff_sessions(account_id);
