/** `npm run build` step two: the minified Worker's gzip size against the budget. Exits 1 over it. */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PROJECT_ROOT } from './postgres';

const BUDGET_KIB = 300;
const dist = path.join(PROJECT_ROOT, 'dist');
const files = fs.readdirSync(dist).filter((f) => f.endsWith('.js'));
let raw = 0;
let gzip = 0;
for (const file of files) {
  const bytes = fs.readFileSync(path.join(dist, file));
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
}
const kib = (n: number) => (n / 1024).toFixed(1);
console.log(`bundle: ${kib(raw)} KiB minified, ${kib(gzip)} KiB gzip (budget ${BUDGET_KIB} KiB gzip)`);
if (gzip > BUDGET_KIB * 1024) {
  console.error(`bundle over budget by ${kib(gzip - BUDGET_KIB * 1024)} KiB`);
  process.exit(1);
}
