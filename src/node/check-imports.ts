/**
 * `npm run check:imports`: fails when a module under src/ imports itself through others. The folder tree reads one
 * way (routes, MCP and web -> operations -> schemas -> services -> queries -> db; checked below), and a circle makes a
 * module's meaning depend on load order.
 * Type-only imports count too: a circle of types is still two modules that cannot be read apart.
 * Also fails when the Worker (src/index.ts) reaches the typed client (src/client/): it is for programs calling the
 * API, and its openapi-fetch must stay out of the Worker bundle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './postgres';

const SRC = path.join(PROJECT_ROOT, 'src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    // src/client/generator/ has a node_modules of its own (see its package.json).
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function resolveImport(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const graph = new Map<string, string[]>();
for (const file of sourceFiles(SRC)) {
  const text = fs.readFileSync(file, 'utf8');
  const targets = [...text.matchAll(IMPORT)].map((m) => resolveImport(file, m[1]!)).filter((t): t is string => t !== null);
  graph.set(file, targets);
}

// Depth-first search; a module met again while still on the stack closes a circle.
const circles: string[][] = [];
const state = new Map<string, 'open' | 'done'>();
function visit(file: string, stack: string[]): void {
  state.set(file, 'open');
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 'open') circles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (!state.has(next)) visit(next, [...stack, next]);
  }
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file, [file]);

const rel = (file: string) => path.relative(SRC, file);

const CLIENT = path.join(SRC, 'client') + path.sep;
const workerModules = new Set<string>();
const reach = (file: string) => {
  if (workerModules.has(file)) return;
  workerModules.add(file);
  for (const next of graph.get(file) ?? []) reach(next);
};
reach(path.join(SRC, 'index.ts'));
const clientInWorker = [...workerModules].filter((file) => file.startsWith(CLIENT));

/**
 * The layers, top to bottom: a module may import its own layer and those below it, never one above. The transports
 * (routes, the MCP server, the web app) sit on operations, which sit on services; schemas describe requests and
 * answers for all of them and take types from services; queries hold the SQL.
 */
const LAYERS: [string, number][] = [
  ['routes', 4],
  ['mcp', 4],
  ['web', 4],
  ['operations', 3],
  ['schemas', 2],
  ['services', 1],
  ['db', 0],
];
const layerOf = (file: string) => LAYERS.find(([dir]) => rel(file).startsWith(`${dir}${path.sep}`))?.[1];
const upward = [...graph].flatMap(([file, targets]) =>
  targets.filter((target) => {
    const from = layerOf(file);
    const to = layerOf(target);
    return from !== undefined && to !== undefined && to > from;
  }).map((target) => `${rel(file)} imports ${rel(target)}`),
);

if (circles.length > 0 || clientInWorker.length > 0 || upward.length > 0) {
  for (const circle of circles) console.error(`circular import: ${circle.map(rel).join(' > ')}`);
  for (const file of clientInWorker) console.error(`the Worker imports the typed client: ${rel(file)}`);
  for (const line of upward) console.error(`import against the layers (routes, mcp, web > operations > schemas > services > db): ${line}`);
  process.exit(1);
}
console.log(`no circular imports among ${graph.size} modules under src/, none against the layers; the Worker's ${workerModules.size} leave out src/client/`);
