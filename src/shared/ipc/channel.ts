import type { z } from 'zod';

/** One IPC channel, declared once: name plus request and response schemas. */
export interface Channel<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly request: Req;
  readonly response: Res;
}

export function channel<Req extends z.ZodType, Res extends z.ZodType>(name: string, request: Req, response: Res): Channel<Req, Res> {
  return { name, request, response };
}

export type RequestOf<C> = C extends Channel<infer Req, z.ZodType> ? z.input<Req> : never;
export type ParsedRequestOf<C> = C extends Channel<infer Req, z.ZodType> ? z.output<Req> : never;
export type ResponseOf<C> = C extends Channel<z.ZodType, infer Res> ? z.output<Res> : never;
