// The whole preload: one function per contract channel, plus an event subscription.
// The renderer never sees ipcRenderer itself. Imports only the zod-free name table, because a
// sandboxed preload cannot require npm packages.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { RampartApi } from '../shared/ipc/contract';
import type { AppEvent } from '../shared/ipc/events';
import { CHANNEL_METHODS, EVENT_CHANNEL, channelName } from '../shared/ipc/names';

const api: Record<string, unknown> = {};
for (const [domain, methods] of Object.entries(CHANNEL_METHODS)) {
  const group: Record<string, unknown> = {};
  for (const method of methods) {
    const name = channelName(domain, method);
    group[method] = (request: unknown) => ipcRenderer.invoke(name, request);
  }
  api[domain] = group;
}
api.onEvent = (listener: (event: AppEvent) => void) => {
  const wrapped = (_e: IpcRendererEvent, event: AppEvent): void => listener(event);
  ipcRenderer.on(EVENT_CHANNEL, wrapped);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
};

contextBridge.exposeInMainWorld('rampart', api as RampartApi);
