ALTER TABLE "callback_secrets" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "callback_secrets" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;