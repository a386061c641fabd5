/**
 * A CPU profile of the Worker while something loads it: V8's sampling profiler in workerd, reached over the inspector
 * port wrangler opens (Chrome DevTools Protocol, Profiler domain). Prints where the samples fall, by function: its
 * own time and the time spent in it and what it calls, as shares of all samples. For `npm run bench -- --profile`.
 */
import WebSocket from 'ws';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

async function devtools(inspectorPort: number) {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let lastId = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const send = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve) => {
      waiting.set(++lastId, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id: lastId, method, params }));
    });
  return { send, close: () => socket.close() };
}

const frameName = ({ callFrame: f }: ProfileNode) => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}`;

/** Samples every 100 us while `load` runs, then prints the `top` functions by own time and by inclusive time. */
export async function profileWhile(inspectorPort: number, load: () => Promise<void>, top = 25): Promise<void> {
  const inspector = await devtools(inspectorPort);
  await inspector.send('Profiler.enable');
  await inspector.send('Profiler.setSamplingInterval', { interval: 100 });
  await inspector.send('Profiler.start');
  await load();
  const { profile } = await inspector.send<{ profile: { nodes: ProfileNode[] } }>('Profiler.stop');
  inspector.close();

  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const total = profile.nodes.reduce((sum, node) => sum + node.hitCount, 0);
  const own = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const node of profile.nodes) {
    own.set(frameName(node), (own.get(frameName(node)) ?? 0) + node.hitCount);
    // Each sample counts once for every distinct function on its stack.
    const onStack = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) onStack.add(frameName(nodes.get(id)!));
    for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + node.hitCount);
  }
  const print = (title: string, counts: Map<string, number>) => {
    console.log(title);
    for (const [name, count] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${((100 * count) / total).toFixed(1).padStart(5)}%  ${name}`);
  };
  console.log(`\nCPU profile of workerd: ${total} samples`);
  print('own time:', own);
  print('inclusive time:', inclusive);
}
