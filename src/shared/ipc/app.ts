import { z } from 'zod';
import { channel } from './channel';

export const AppInfo = z.object({
  version: z.string(),
  dbPath: z.string(),
  schemaVersion: z.number().int(),
  platform: z.string(),
  /** True in the app (native file dialogs); false in the browser bridge, where paths are typed. */
  nativeDialogs: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appChannels = {
  info: channel('app:info', z.object({}).strict(), AppInfo),
};
