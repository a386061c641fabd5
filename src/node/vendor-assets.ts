/**
 * `npm run assets` (run by predev, pretest and prebuild): copies Scalar's standalone browser bundle from the npm
 * package into the static assets (public/docs/scalar/, gitignored), so /docs needs no CDN and the page always runs
 * the version package-lock.json pins. The Worker bundle never contains it: Workers static assets serve it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Not postgres.ts's PROJECT_ROOT: importing it loads the database driver, most of a second on every npm run dev, test and build.
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const PACKAGE = path.join(PROJECT_ROOT, 'node_modules/@scalar/api-reference');
const SOURCE = path.join(PACKAGE, 'dist/browser/standalone.js');
const TARGET = path.join(PROJECT_ROOT, 'public/docs/scalar/standalone.js');

if (!fs.existsSync(SOURCE)) {
  console.error(`missing ${path.relative(PROJECT_ROOT, SOURCE)}: run npm install`);
  process.exit(1);
}
const { version } = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as { version: string };
const bundle = fs.readFileSync(SOURCE);
// Unchanged files are left alone: wrangler dev watches the assets folder and would reload for nothing.
if (!fs.existsSync(TARGET) || !fs.readFileSync(TARGET).equals(bundle)) {
  fs.mkdirSync(path.dirname(TARGET), { recursive: true });
  fs.writeFileSync(TARGET, bundle);
}
console.log(`assets: @scalar/api-reference ${version} standalone bundle in ${path.relative(PROJECT_ROOT, TARGET)}`);
