// What the CLI tests share: how they run bin/rampart.mjs, and the parts of the documented JSON
// report (README "The CLI") that the single-host and fleet reports have in common, written
// independently of src/cli/report.ts.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'rampart.mjs');
export const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command from the repository root without an ssh-agent, so only key files log in. */
export function exec(file: string, args: readonly string[], timeoutMs = 60_000, extraEnv: Record<string, string> = {}): Promise<Result> {
  const env = { ...process.env, ...extraEnv };
  delete env.SSH_AUTH_SOCK;
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export const SEVERITY = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export const ORDER = SEVERITY.options;
export const GRADE = z.enum(['A+', 'A', 'B', 'C', 'D', 'F']);

/** The fields every single-host report starts with. */
export const REPORT_HEAD = {
  tool: z.literal('rampart'),
  version: z.literal(VERSION),
  runId: z.uuid(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  status: z.enum(['complete', 'partial']),
};

/** The report's `host`, with the given host-key fingerprint format. */
export function hostBlock(fingerprint: z.ZodString) {
  return z.strictObject({
    name: z.string(),
    address: z.string(),
    port: z.number().int(),
    username: z.string(),
    os: z.string().nullable(),
    hostKey: z.strictObject({ keyType: z.string(), fingerprint, source: z.enum(['pinned', 'accepted-new', 'known-hosts']) }),
  });
}
