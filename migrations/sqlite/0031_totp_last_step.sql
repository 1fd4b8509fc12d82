-- The last TOTP time step (Unix time / 30 s) a sign-in or the enabling of TOTP accepted for
-- the user; a code of that step or an earlier one is refused, so a code cannot be used twice
-- within its window (RFC 6238 §5.2). 0: none yet. Written only by a conditional UPDATE
-- (... WHERE totp_last_step < ?), so of two sign-ins racing with one code exactly one wins.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
