/**
 * What `node main.js [command]` does: serve (no command), or one piece of a deployment's work and exit 0
 * (deploy/README.md): `migrate` applies the service's schema migrations (a migrations Job), `provision-topics`
 * creates every topic of the configuration (the topic provisioning Job).
 */
export type ServiceCommand = 'serve' | 'migrate' | 'provision-topics';

const COMMANDS: readonly ServiceCommand[] = ['migrate', 'provision-topics'];

/** The command among the process's arguments; `node tools/run-ts.js apps/x/src/main.ts migrate` names the entry first. */
export function serviceCommandFrom(argv: readonly string[] = process.argv): ServiceCommand {
  const args = argv.slice(2).filter((arg, i) => !(i === 0 && /\.[cm]?[jt]s$/.test(arg)));
  if (args.length === 0) return 'serve';
  const [command] = args;
  if (args.length > 1 || !COMMANDS.includes(command as ServiceCommand)) throw new Error(`unknown command "${args.join(' ')}": expected none (serve), ${COMMANDS.join(' or ')}`);
  return command as ServiceCommand;
}

/** Runs a one-off command to its end: exit 0 when done, 1 with the reason when not (a Job's pod then fails and is retried). */
export function exitWhenDone(command: ServiceCommand, work: Promise<unknown>): void {
  work.then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`${command} failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
