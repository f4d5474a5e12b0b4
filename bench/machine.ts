/** What the benchmark ran on: CPU, cores, memory, Node and the database versions. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine description printed above the table and stored in the JSON. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  databases: Record<string, string>;
}

function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const match = /^model name\s*:\s*(.+)$/m.exec(info);
    if (match) return match[1]!.trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/**
 * Describes this machine; `databases` maps each database to its server version.
 *
 * @example
 * describeMachine({ sqlite: '3.49.2' }).cpu; // 'AMD EPYC'
 */
export function describeMachine(databases: Record<string, string>): Machine {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    databases,
  };
}

/** One line: `AMD EPYC, 2 cores, 23 GiB, Linux …, Node v20.20.2; sqlite 3.49.2, …`. */
export function machineLine(machine: Machine): string {
  const dbs = Object.entries(machine.databases)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.node}${dbs ? `; ${dbs}` : ''}`;
}
