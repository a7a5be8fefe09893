import type { StackInfo } from '../../tools/stack/stack';

/**
 * How many of the bank's new transfers its adapter has answered 2041 at once so far (`custody_bank_requests_shed_total`,
 * docs/design.md "Load beyond capacity is shed, not queued"): the benchmark tells those refusals from the hub's other
 * 2041s, which the bank's answer alone does not.
 */
export async function bankRequestsShed(info: StackInfo, bankCode: string): Promise<number> {
  const url = info.services[`bank-adapter-${bankCode}`];
  if (!url) throw new Error(`the stack has no adapter for bank ${bankCode}`);
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('custody_bank_requests_shed_total{') && l.includes(`bank="${bankCode}"`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}
