/**
 * Takes the place of `zod` and `zod/v4` in the Worker bundle (wrangler.toml [alias]). It is zod itself, minus the
 * translated error messages.
 *
 * Why: @hono/zod-openapi hands zod's whole `z` namespace to zod-to-openapi as a value, so the bundler must keep
 * every export of it, including `z.locales` and `z.core.locales`: about 40 KiB gzip of error messages in fifty
 * languages that nothing here uses (zod's English messages are loaded by its schemas module directly). This
 * folder re-exports zod's own entry modules without those two namespaces; every other export, and every class,
 * is zod's own module, so `instanceof` and the schemas behave exactly as with the real package.
 *
 * The files mirror zod's entry modules at the version pinned in package.json; a zod upgrade that moves a module
 * fails the build loudly. `zod/v4-mini` and `zod/v3` (imported by the MCP SDK) stay the real package: they are
 * only read member by member, so their locales never reach the bundle.
 */
import * as z from './classic';

export * from './classic';
export { z, z as default };
