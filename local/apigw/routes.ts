/**
 * HTTP API route selection: the most specific match wins (docs: "Working with routes for HTTP APIs"):
 * a full match of method and path, then routes with path variables, then greedy `{proxy+}` routes,
 * `ANY` losing to an exact method, and `$default` when nothing else matches.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
import type { RouteModel } from '../terraform/model';

/** A matched route with its path parameters. */
export interface RouteMatch {
  readonly route: RouteModel;
  readonly pathParameters: Readonly<Record<string, string>>;
}

interface Compiled {
  readonly route: RouteModel;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  /** Higher is more specific. */
  readonly score: number;
}

/** Selects routes for requests; build once per API. */
export class RouteTable {
  private readonly compiled: readonly Compiled[];
  private readonly fallback?: RouteModel;

  constructor(routes: readonly RouteModel[]) {
    this.compiled = routes
      .filter((r) => r.routeKey !== '$default')
      .map(compile)
      .sort((a, b) => b.score - a.score);
    this.fallback = routes.find((r) => r.routeKey === '$default');
  }

  /** The route for `method` and the raw (still percent-encoded) `path` without query. */
  match(method: string, path: string): RouteMatch | undefined {
    for (const c of this.compiled) {
      if (c.route.method !== 'ANY' && c.route.method !== method) continue;
      const m = c.pattern.exec(path);
      if (!m) continue;
      const pathParameters: Record<string, string> = {};
      for (const [i, name] of c.names.entries()) pathParameters[name] = safeDecode(m[i + 1]!);
      return { route: c.route, pathParameters };
    }
    return this.fallback ? { route: this.fallback, pathParameters: {} } : undefined;
  }
}

function compile(route: RouteModel): Compiled {
  const names: string[] = [];
  let literals = 0;
  let variables = 0;
  let greedy = false;
  const source = route
    .path!.split('/')
    .map((segment) => {
      const variable = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!variable) {
        literals++;
        return escapeRegExp(segment);
      }
      names.push(variable[1]!);
      if (variable[2]) {
        greedy = true;
        return '(.+)';
      }
      variables++;
      return '([^/]+)';
    })
    .join('/');
  // Exact paths beat variables, variables beat greedy paths; an exact method beats ANY.
  const score = (greedy ? 0 : 1_000_000) + literals * 1000 - variables + (route.method === 'ANY' ? 0 : 1);
  return { route, pattern: new RegExp(`^${source}$`), names, score };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
