-- Custom SQL migration file, put your code below! --
-- The two platform-wide accounts, external:stripe and platform:fees, are on nearly every money move (every funding,
-- settlement, refund failure, manual return; every release with a fee). While their balance_cents was kept by the
-- entry trigger, each of those transactions row-locked one of the same two rows until COMMIT: postings across the
-- whole platform ran one at a time. Their running balance guards nothing: external:stripe may be negative by design,
-- and platform:fees is only ever credited (enforced below, which keeps it from going below zero). So they keep no
-- running balance: their balance is the sum of their entries, computed when read (src/db/queries/ledger.ts), and
-- their balance_cents stays 0. Every other account keeps its trigger-maintained balance, its row lock (which
-- serializes postings to it) and its CHECK against going below zero. Zero-sum and append-only rules are unchanged.

-- 1. The UPDATE matches no row for these two kinds, so it takes no lock on them; an entry still needs its account to
--    exist (the foreign key takes only a KEY SHARE lock, which concurrent postings share).
CREATE OR REPLACE FUNCTION ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger_accounts SET balance_cents = balance_cents + NEW.amount_cents, updated_at = now()
   WHERE id = NEW.account_id AND kind NOT IN ('external_stripe', 'platform_fees');
  IF NOT FOUND AND NEW.amount_cents < 0
     AND EXISTS (SELECT 1 FROM ledger_accounts WHERE id = NEW.account_id AND kind = 'platform_fees') THEN
    RAISE EXCEPTION 'ledger account % is only ever credited: entry of % cents refused', NEW.account_id, NEW.amount_cents
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint

-- 2. Their stored balance is no longer kept, so it must not read as if it were. Only the entry trigger may write a
--    balance (ledger_guard_account); this one-off reset goes around it while the table is locked by the ALTER.
ALTER TABLE ledger_accounts DISABLE TRIGGER ledger_accounts_guard;
--> statement-breakpoint
UPDATE ledger_accounts SET balance_cents = 0, updated_at = now() WHERE kind IN ('external_stripe', 'platform_fees');
--> statement-breakpoint
ALTER TABLE ledger_accounts ENABLE TRIGGER ledger_accounts_guard;
