import { type CpuProfile, framesOf, renderSvg } from './flame-graph';

/** root → main (our code) → query (a dependency) and a syscall; idle samples beside them. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 5] },
    { id: 2, callFrame: { functionName: 'requestIn', url: 'file:///work/main/apps/transfer/src/transfers/transfer.service.ts', lineNumber: 9 }, children: [3, 4] },
    { id: 3, callFrame: { functionName: 'query', url: 'file:///work/main/node_modules/pg/lib/client.js', lineNumber: 666 } },
    { id: 4, callFrame: { functionName: 'writev', url: '', lineNumber: -1 } },
    { id: 5, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
  ],
  samples: [2, 3, 3, 4, 5, 5, 5],
  timeDeltas: [100, 200, 200, 100, 5000, 5000, 5000],
};

describe('flame graph of a CPU profile (issue 9: docs/benchmarks.md)', () => {
  it('counts only time on the CPU: a frame is its own samples plus its callees, idle left out', () => {
    const root = framesOf(profile);
    expect(root.totalUs).toBe(600);
    const [service] = root.children;
    expect(service).toMatchObject({ name: 'requestIn apps/transfer/src/transfers/transfer.service.ts:10', kind: 'ours', totalUs: 600 });
    expect(service!.children.map((c) => [c.name, c.kind, c.totalUs])).toEqual([
      ['query pg/lib/client.js:667', 'dependency', 400],
      ['writev', 'native', 100],
    ]);
  });

  it('draws one box per frame, the root on the bottom row, with its share in the tooltip', () => {
    const svg = renderSvg(framesOf(profile), 'transfer <S2B>');
    expect(svg.match(/<rect /g)).toHaveLength(4);
    expect(svg).toContain('transfer &lt;S2B&gt;');
    expect(svg).toContain('<title>query pg/lib/client.js:667: 66.67 %</title>');
    const ys = [...svg.matchAll(/<rect x="[\d.]+" y="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ys[0]).toBe(Math.max(...ys));
  });
});
