import { z } from 'zod';
import { channel } from './channel';

export const AppInfo = z.object({
  version: z.string(),
  dbPath: z.string(),
  schemaVersion: z.number().int(),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appChannels = {
  info: channel('app:info', z.object({}).strict(), AppInfo),
};
