/** Rampart's version (the app, the CLI, reports). Its own module so `rampart --version` loads nothing else. */
export const APP_VERSION = '0.1.0';
