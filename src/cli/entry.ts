// The entry of the bundled CLI (out/cli/rampart.mjs, built by scripts/build-cli.mjs): answers
// `--version` without loading the rest (ssh2, zod, SQLite take most of a start-up), and loads the
// CLI for everything else.
import { APP_VERSION } from '../shared/version';

export async function run(argv: readonly string[]): Promise<void> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`rampart ${APP_VERSION}\n`);
    return;
  }
  const cli = await import('./index');
  await cli.run(argv);
}
