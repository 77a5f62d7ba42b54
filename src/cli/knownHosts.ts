// known_hosts parsing and matching moved to src/main/hostKeys/knownHosts.ts (the app's
// known_hosts import uses it too); re-exported here for the CLI.
export * from '../main/hostKeys/knownHosts';
