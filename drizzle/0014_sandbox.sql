ALTER TABLE "api_keys" ADD COLUMN "livemode" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "checkouts" ADD COLUMN "livemode" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD COLUMN "livemode" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "pending_stripe_calls" ADD COLUMN "livemode" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "metadata" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "livemode" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "livemode" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_mode_in_id" CHECK ("ledger_accounts"."livemode" = ("ledger_accounts"."id" not like 'test:%'));--> statement-breakpoint
CREATE INDEX "tasks_sandbox_active_idx" ON "tasks" USING btree ("created_at") WHERE "tasks"."livemode" = false and "tasks"."status" in ('open', 'in_progress', 'submitted');
--> statement-breakpoint
-- The sandbox professional (services/sandbox): a platform-owned, verified professional account that works test tasks
-- only. Its password hash is no scrypt hash, so nobody can sign in as it; it acts only through the sandbox's own code.
INSERT INTO "users" ("id", "email", "password_hash", "full_name", "role", "verified")
VALUES ('usr_sandbox', 'sandbox@gohirehumans.invalid', '!no-login', 'Sandbox Professional', 'professional', true)
ON CONFLICT DO NOTHING;
