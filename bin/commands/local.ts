/**
 * `anygate dev`, `anygate token` and `anygate conform`: the local gateway, its mock IdP's tokens,
 * and conformance vectors. Their modules (an HTTP server, undici, the generated runtime) load only
 * when one of these commands runs.
 */
import type { Command } from 'commander';
import type { CommandModule } from './context';

type DevFlags = Parameters<typeof import('./dev').cmdDev>[1];
type TokenFlags = Parameters<typeof import('./token').cmdToken>[1];
type ConformFlags = Parameters<typeof import('./conform').cmdConform>[2];
import { specArgument, SPEC_FILES } from './spec-file';

const many = (v: string, prev: string[] = []) => [...prev, v];
const SPEC_HELP = `spec file (default: the first of ${SPEC_FILES.join(', ')} in the current directory)`;

export const localCommands: CommandModule = {
  register(program: Command, ctx, run) {
    program
      .command('dev')
      .description("run the gateway locally on 127.0.0.1, with auth, limits, cache, transforms and each cloud's answers (--profile)")
      .argument('[spec]', SPEC_HELP)
      .option('--stage <name>', 'stage (default: dev, else the first)')
      .option('--profile <target>', 'aws, azure, apigee or kubernetes (Envoy Gateway) semantics (default: aws)')
      .option('--port <n>', 'port; 0 picks a free one (default: 8787)')
      .option('--backend <name=url>', 'send an HTTP or LLM backend to another URL (repeatable)', many)
      .option('--function <binding=file>', 'run a function binding in-process from a .ts or .js handler (repeatable)', many)
      .option('--mock-idp', 'serve a JWKS and accept tokens from anygate token')
      .option('--mock-llm', 'answer every type: llm backend with a local OpenAI-compatible mock (usage blocks, deterministic)')
      .option('--allow-refused', "run what the profile's target (or dev) would refuse, printing each refusal as a warning")
      .option('--clock <kind>', 'virtual: time moves only by POST /__anygate/clock')
      .option('--trust-forwarded', 'take the client address from X-Forwarded-For')
      .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
      .option('--tls-key <file>', 'PEM private key of --tls-cert')
      .option('--client-ca <file>', "PEM CA bundle client certificates must chain to (the domains' mutual TLS)")
      .option('--seed <n>', 'seed the canary split (release.canary) so it repeats from run to run')
      .option('--quiet', 'no banner and no access log')
      .option('--access-log <format>', 'text (one line per request) or json (the access-log schema) (default: text)')
      .option('--watch', 'reload the spec when its file changes (restarts on the same port)')
      .action(run((file: string | undefined, opts: DevFlags) => (require('./dev') as typeof import('./dev')).cmdDev(specArgument(file, ctx.io.err), opts, ctx.io)));
    program
      .command('token')
      .description('print a token signed by the mock IdP of anygate dev --mock-idp')
      .argument('[spec]', SPEC_HELP)
      .requiredOption('--authorizer <name>', 'JWT authorizer of the spec')
      .option('--scope <scope>', 'scope (repeatable)', many)
      .option('--claim <name=value>', 'extra claim (repeatable)', many)
      .option('--expires-in <duration>', 'lifetime such as 10m, 2h; negative for an expired token (default: 10m)')
      .option('--sub <id>', 'subject (default: dev-user)')
      .action(run((file: string | undefined, opts: TokenFlags) => (require('./token') as typeof import('./token')).cmdToken(specArgument(file, ctx.io.err), opts, ctx.io)));
    program
      .command('conform')
      .description('replay conformance vectors (default: generated from the spec) against a running gateway; pass/fail table')
      .argument('[spec]', SPEC_HELP)
      .argument('[vectors]', 'vectors file (YAML or JSON)')
      .requiredOption('--url <url>', 'base URL of the gateway (anygate dev or a deployed stage)')
      .option('--profile <target>', 'whose answers to expect: aws, azure, apigee or kubernetes (default: aws)')
      .option('--stage <name>', 'stage the gateway runs (default: dev, else the first)')
      .option('--mcp-url <url>', "the gateway's MCP endpoint, for a spec with tools (default: --url + /mcp)")
      .option('--client-cert <file>', 'PEM client certificate to present to a mutual TLS stage (with --client-key)')
      .option('--client-key <file>', 'PEM private key of --client-cert')
      .option('--ca <file>', "PEM CA bundle the gateway's HTTPS certificate chains to (default: the system's)")
      .option('--client-ip <address>', 'client address to claim in X-Forwarded-For (default: with ipRules.allow, one it allows, at anygate dev only); given, a deployed gateway is taken to read X-Forwarded-For')
      .option('--spend-tokens', 'send the token-limit cases (they spend an LLM backend\'s whole token budget) to a gateway whose LLM is real (default: only to anygate dev --mock-llm)')
      .option('--json', 'machine-readable results')
      .action(
        run((file: string | undefined, vectors: string | undefined, opts: ConformFlags) =>
          (require('./conform') as typeof import('./conform')).cmdConform(specArgument(file, ctx.io.err), vectors, opts, ctx.io),
        ),
      );
  },
};
