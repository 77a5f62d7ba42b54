// Awaits a promise that must fail with a RampartError of the given code, and returns the error.
import { expect } from 'vitest';
import { RampartError } from '../../src/shared/errors';

export async function refusal(p: Promise<unknown>, code: string): Promise<RampartError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RampartError);
    expect((e as RampartError).code, (e as Error).message).toBe(code);
    return e as RampartError;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}
