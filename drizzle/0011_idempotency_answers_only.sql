-- Keys now hold only final answers; a request still running holds an advisory lock instead. A claim left in flight
-- by the old scheme answered nothing and acted at most partially: drop it so its retry acts.
DELETE FROM "idempotency_keys" WHERE "state" = 'in_flight' OR "response_status" IS NULL OR "response_body" IS NULL;--> statement-breakpoint
UPDATE "idempotency_keys" SET "response_content_type" = 'application/json' WHERE "response_content_type" IS NULL;
