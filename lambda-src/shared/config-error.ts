/**
 * The one error for configuration a user or operator has to fix: a handler's environment (thrown at
 * cold start), the app's settings at synth (`stacks/config.ts`) and the client's flags and outputs
 * file (`client/config.ts`, exit code 2).
 *
 * Lambda reports an error thrown while the module loads as an init failure, so a bad deployment fails
 * on its first invocation with this message instead of misbehaving later.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** One line per invalid setting; a single problem when the error was built from one message. */
  readonly problems: readonly string[];

  /**
   * @param message what is wrong and what is accepted.
   * @param problems the settings' problems one per line, when there are several; default `[message]`.
   */
  constructor(message: string, problems: readonly string[] = [message]) {
    super(message);
    this.problems = problems;
  }

  /** An error listing several settings' problems under one heading. */
  static listing(problems: readonly string[]): ConfigError {
    return new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`, problems);
  }
}

/** Environment as handed to the config parsers; `index.ts` passes `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;
