CREATE TYPE "public"."budget_type" AS ENUM('fixed', 'hourly');--> statement-breakpoint
CREATE TYPE "public"."funding_status" AS ENUM('unfunded', 'pending', 'funded', 'released', 'refunded');--> statement-breakpoint
CREATE TYPE "public"."idempotency_state" AS ENUM('in_flight', 'completed');--> statement-breakpoint
CREATE TYPE "public"."location_type" AS ENUM('remote', 'local');--> statement-breakpoint
CREATE TYPE "public"."task_category" AS ENUM('business_calls', 'research_analysis', 'errands_delivery', 'writing_translation', 'data_entry_transcription', 'property_inspections');--> statement-breakpoint
CREATE TYPE "public"."task_status" AS ENUM('open', 'in_progress', 'submitted', 'completed', 'canceled', 'disputed');--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"claim_token" text NOT NULL,
	"state" "idempotency_state" DEFAULT 'in_flight' NOT NULL,
	"response_status" integer,
	"response_body" text,
	"response_content_type" text,
	"locked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"task_id" text PRIMARY KEY NOT NULL,
	"professional_id" text NOT NULL,
	"client_id" text NOT NULL,
	"rating" smallint NOT NULL,
	"review" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reviews_rating_range" CHECK ("reviews"."rating" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"id" text PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"professional_id" text NOT NULL,
	"text" text NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_events" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "task_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"task_id" text NOT NULL,
	"type" text NOT NULL,
	"from_status" "task_status",
	"to_status" "task_status" NOT NULL,
	"actor_id" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"professional_id" text,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"category" "task_category" NOT NULL,
	"location_type" "location_type" NOT NULL,
	"location" text,
	"budget_cents" integer NOT NULL,
	"budget_type" "budget_type" NOT NULL,
	"currency" text DEFAULT 'usd' NOT NULL,
	"deadline" timestamp with time zone,
	"status" "task_status" DEFAULT 'open' NOT NULL,
	"funding_status" "funding_status" DEFAULT 'unfunded' NOT NULL,
	"escrow_cents" integer DEFAULT 0 NOT NULL,
	"accepted_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"canceled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_budget_range" CHECK ("tasks"."budget_cents" > 0 and "tasks"."budget_cents" <= 10000000),
	CONSTRAINT "tasks_escrow_nonnegative" CHECK ("tasks"."escrow_cents" >= 0),
	CONSTRAINT "tasks_location_matches_type" CHECK (("tasks"."location_type" = 'local') = ("tasks"."location" is not null))
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_professional_id_users_id_fk" FOREIGN KEY ("professional_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_client_id_users_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_professional_id_users_id_fk" FOREIGN KEY ("professional_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_client_id_users_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_professional_id_users_id_fk" FOREIGN KEY ("professional_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "submissions_task_idx" ON "submissions" USING btree ("task_id","created_at","id");--> statement-breakpoint
CREATE INDEX "task_events_task_idx" ON "task_events" USING btree ("task_id","seq");--> statement-breakpoint
CREATE INDEX "tasks_client_created_idx" ON "tasks" USING btree ("client_id","created_at","id");--> statement-breakpoint
CREATE INDEX "tasks_client_status_created_idx" ON "tasks" USING btree ("client_id","status","created_at","id");--> statement-breakpoint
CREATE INDEX "tasks_professional_created_idx" ON "tasks" USING btree ("professional_id","created_at","id") WHERE "tasks"."professional_id" is not null;--> statement-breakpoint
CREATE INDEX "tasks_marketplace_idx" ON "tasks" USING btree ("created_at","id") WHERE "tasks"."status" = 'open' and "tasks"."funding_status" = 'funded' and "tasks"."professional_id" is null;--> statement-breakpoint
CREATE INDEX "tasks_marketplace_category_idx" ON "tasks" USING btree ("category","created_at","id") WHERE "tasks"."status" = 'open' and "tasks"."funding_status" = 'funded' and "tasks"."professional_id" is null;--> statement-breakpoint
CREATE INDEX "tasks_open_deadline_idx" ON "tasks" USING btree ("deadline") WHERE "tasks"."status" = 'open' and "tasks"."deadline" is not null;--> statement-breakpoint
CREATE INDEX "tasks_submitted_at_idx" ON "tasks" USING btree ("submitted_at") WHERE "tasks"."status" = 'submitted';