CREATE TYPE "public"."api_key_spend_kind" AS ENUM('task', 'funding');--> statement-breakpoint
CREATE TABLE "api_key_spend" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_key_spend_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"api_key_id" text NOT NULL,
	"task_id" text NOT NULL,
	"kind" "api_key_spend_kind" NOT NULL,
	"amount_cents" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_key_spend_positive" CHECK ("api_key_spend"."amount_cents" > 0)
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "max_task_cents" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "daily_limit_cents" integer;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "created_by_api_key_id" text;--> statement-breakpoint
ALTER TABLE "api_key_spend" ADD CONSTRAINT "api_key_spend_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_key_spend" ADD CONSTRAINT "api_key_spend_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_key_spend_key_created_idx" ON "api_key_spend" USING btree ("api_key_id","created_at");--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_created_by_api_key_id_api_keys_id_fk" FOREIGN KEY ("created_by_api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tasks_created_by_api_key_idx" ON "tasks" USING btree ("created_by_api_key_id") WHERE "tasks"."created_by_api_key_id" is not null;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_max_task_positive" CHECK ("api_keys"."max_task_cents" is null or "api_keys"."max_task_cents" > 0);--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_daily_limit_positive" CHECK ("api_keys"."daily_limit_cents" is null or "api_keys"."daily_limit_cents" > 0);