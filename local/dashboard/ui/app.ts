/**
 * The dashboard page: jobs drawn as their state machines, executions with filters and pages, an
 * execution's page (graph coloured by state status, input/output/error/cause, events), start, stop
 * and redrive, and live updates from the runtime's event stream. Plain DOM: two views do not earn a
 * framework. dagre lays the graphs out; this file only draws what it computed.
 */
import dagre from '@dagrejs/dagre';
import { REDRIVABLE_STATUSES } from '../../../lambda-src/shared/step-functions-arn';
import type { ExecutionSummary } from '../wire';
import { END, graphOf, jsonProblem, START, type StateStatus, stateStatuses } from './graph';
import { operationsSection } from './operations';

interface Job {
  readonly name: string;
  readonly description: string;
  readonly isDefault: boolean;
  readonly stateMachineArn: string;
  readonly definition: unknown;
  readonly exampleInput: unknown;
}
interface JobsAnswer {
  readonly statuses: readonly string[];
  readonly jobs: readonly Job[];
}
interface HistoryEvent {
  readonly id: number;
  readonly type: string;
  readonly timestamp: number;
  readonly [details: string]: unknown;
}
interface ExecutionAnswer {
  readonly execution: Record<string, unknown> & {
    status: string;
    name: string;
    executionArn: string;
    startDate: number;
    stopDate: number | null;
  };
  readonly job: string | null;
  readonly definition: unknown;
  readonly events: readonly HistoryEvent[];
}

const API = './api/';
const main = document.getElementById('main')!;
/** Called on every status change the server streams; the current view sets it. */
let onChange: (change: ExecutionSummary) => void = () => undefined;
/** Cleared when the view changes (timers of the view). */
let viewTimers: number[] = [];

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(
    API + path,
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const answer = (await res.json()) as T & { message?: string; error?: string };
  if (!res.ok)
    throw new Error(
      answer.error ? `${answer.error}: ${answer.message ?? ''}` : (answer.message ?? `HTTP ${res.status}`),
    );
  return answer;
}

// Asked each time the list is drawn, never cached: a watch reload may add a job or change one.
function jobs(): Promise<JobsAnswer> {
  return api<JobsAnswer>('jobs');
}

function time(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toLocaleString(undefined, { hour12: false });
}

function badge(status: string): HTMLElement {
  return h('span', { class: `badge s-${status.toLowerCase()}`, 'data-status': status }, status);
}

const SVG = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** Draws a definition's graph, each state coloured by `statuses` when given. */
function drawGraph(definition: unknown, statuses?: ReadonlyMap<string, StateStatus>): SVGSVGElement {
  const { nodes, edges } = graphOf(definition);
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    const marker = n.id === START || n.id === END;
    g.setNode(n.id, { width: marker ? 56 : Math.max(110, n.label.length * 7.5 + 24), height: marker ? 26 : 40 });
  }
  for (const [i, e] of edges.entries()) g.setEdge(e.from, e.to, {}, `${e.kind}${i}`);
  dagre.layout(g);
  const graph = g.graph();
  const root = svg('svg', {
    class: 'graph',
    width: graph.width ?? 0,
    height: graph.height ?? 0,
    viewBox: `0 0 ${graph.width ?? 0} ${graph.height ?? 0}`,
  });
  const defs = svg('defs', {});
  const arrow = svg('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  arrow.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }));
  defs.append(arrow);
  root.append(defs);
  edges.forEach((e, i) => {
    const points =
      (g.edge({ v: e.from, w: e.to, name: `${e.kind}${i}` }) as { points?: { x: number; y: number }[] }).points ?? [];
    const d = points.map((p, j) => `${j === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    root.append(svg('path', { d, class: `edge e-${e.kind}`, 'marker-end': 'url(#arrow)' }));
  });
  for (const n of nodes) {
    const { x, y, width, height } = g.node(n.id);
    const marker = n.id === START || n.id === END;
    const status = marker ? 'marker' : (statuses?.get(n.id) ?? 'plain');
    const group = svg('g', {
      class: `node st-${status}`,
      'data-state': marker ? '' : n.id,
      'data-state-status': status,
    });
    group.append(svg('rect', { x: x - width / 2, y: y - height / 2, width, height, rx: marker ? 13 : 6 }));
    const label = svg('text', { x, y: y + (marker ? 4 : 0), 'text-anchor': 'middle' });
    label.textContent = n.label;
    group.append(label);
    if (!marker) {
      const type = svg('text', { x, y: y + 13, 'text-anchor': 'middle', class: 'type' });
      type.textContent = n.type;
      group.append(type);
    }
    const title = svg('title', {});
    title.textContent = `${n.label} (${n.type})${statuses?.get(n.id) ? `: ${statuses.get(n.id)}` : ''}`;
    group.append(title);
    root.append(group);
  }
  return root;
}

/** The start form of a job: a name, a JSON editor that says what is wrong, and a button. */
function startForm(job: Job): HTMLElement {
  const name = h('input', {
    type: 'text',
    placeholder: 'name (optional)',
    'aria-label': 'Execution name',
    'data-testid': `name-${job.name}`,
  });
  const input = h('textarea', {
    rows: '5',
    spellcheck: 'false',
    'aria-label': 'Input JSON',
    'data-testid': `input-${job.name}`,
  });
  input.value = JSON.stringify(job.exampleInput, null, 2);
  const problem = h('div', { class: 'problem', role: 'alert', 'data-testid': `problem-${job.name}` });
  const button = h('button', { type: 'submit', 'data-testid': `start-${job.name}` }, 'Start execution');
  const check = (): boolean => {
    const wrong = jsonProblem(input.value);
    problem.textContent = wrong ? `Input is not valid JSON: ${wrong}` : '';
    input.classList.toggle('invalid', !!wrong);
    button.disabled = !!wrong;
    return !wrong;
  };
  input.addEventListener('input', check);
  const form = h('form', { class: 'start' }, name, input, problem, button);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!check()) return;
    button.disabled = true;
    api<{ executionArn: string }>('start', { job: job.name, name: name.value, input: input.value }).then(
      (r) => {
        location.hash = `#/execution/${encodeURIComponent(r.executionArn)}`;
      },
      (err: Error) => {
        problem.textContent = err.message;
        button.disabled = false;
      },
    );
  });
  return form;
}

interface ListState {
  job: string;
  status: string;
  name: string;
  /** Cursors of the pages before the current one (the first page has none). */
  cursors: string[];
}

async function listView(): Promise<void> {
  const { jobs: all, statuses } = await jobs();
  const state: ListState = { job: '', status: '', name: '', cursors: [] };
  const jobSection = h('section', { class: 'jobs' }, h('h2', {}, 'Jobs'));
  for (const job of all) {
    jobSection.append(
      h(
        'article',
        { class: 'job', 'data-job': job.name },
        h('h3', {}, job.name, job.isDefault ? h('small', {}, ' default') : ''),
        h('p', { class: 'description', 'data-testid': `description-${job.name}` }, job.description),
        h('div', { class: 'graph-box' }, drawGraph(job.definition)),
        startForm(job),
      ),
    );
  }
  const jobSelect = h(
    'select',
    { 'aria-label': 'Job', 'data-testid': 'filter-job' },
    h('option', { value: '' }, 'all jobs'),
    ...all.map((j) => h('option', { value: j.name }, j.name)),
  );
  const statusSelect = h(
    'select',
    { 'aria-label': 'Status', 'data-testid': 'filter-status' },
    h('option', { value: '' }, 'any status'),
    ...statuses.map((s) => h('option', { value: s }, s)),
  );
  const nameInput = h('input', {
    type: 'search',
    placeholder: 'name contains',
    'aria-label': 'Name',
    'data-testid': 'filter-name',
  });
  const rows = h('tbody', {});
  const prev = h('button', { 'data-testid': 'prev' }, '← Newer');
  const next = h('button', { 'data-testid': 'next' }, 'Older →');
  const info = h('span', { class: 'info' });
  const table = h(
    'table',
    { class: 'executions' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Name'),
        h('th', {}, 'Job'),
        h('th', {}, 'Status'),
        h('th', {}, 'Started'),
        h('th', {}, 'Stopped'),
      ),
    ),
    rows,
  );
  const execSection = h(
    'section',
    { class: 'list' },
    h('h2', {}, 'Executions'),
    h('div', { class: 'filters' }, jobSelect, statusSelect, nameInput),
    table,
    h('div', { class: 'pager' }, prev, next, info),
  );
  const operations = operationsSection({ h, api, time });
  main.replaceChildren(jobSection, operations.element, execSection);

  let nextCursor: string | undefined;
  let loading = 0;
  const load = async (): Promise<void> => {
    const ticket = ++loading;
    const q = new URLSearchParams();
    if (state.job) q.set('job', state.job);
    if (state.status) q.set('status', state.status);
    if (state.name) q.set('name', state.name);
    const after = state.cursors[state.cursors.length - 1];
    if (after) q.set('after', after);
    const page = await api<{ executions: ExecutionSummary[]; next?: string }>(`executions?${q.toString()}`);
    if (ticket !== loading) return;
    nextCursor = page.next;
    rows.replaceChildren(
      ...page.executions.map((e) =>
        h(
          'tr',
          { 'data-arn': e.executionArn },
          h('td', {}, h('a', { href: `#/execution/${encodeURIComponent(e.executionArn)}` }, e.name)),
          h('td', {}, e.job),
          h('td', {}, badge(e.status)),
          h('td', {}, time(e.startDate)),
          h('td', {}, time(e.stopDate)),
        ),
      ),
    );
    if (page.executions.length === 0)
      rows.append(h('tr', {}, h('td', { colspan: '5', class: 'empty' }, 'No executions match.')));
    prev.disabled = state.cursors.length === 0;
    next.disabled = !nextCursor;
    info.textContent = `page ${state.cursors.length + 1}`;
  };
  const refilter = (): void => {
    state.job = jobSelect.value;
    state.status = statusSelect.value;
    state.name = nameInput.value.trim();
    state.cursors = [];
    void load();
  };
  jobSelect.addEventListener('change', refilter);
  statusSelect.addEventListener('change', refilter);
  nameInput.addEventListener('input', refilter);
  next.addEventListener('click', () => {
    if (!nextCursor) return;
    state.cursors.push(nextCursor);
    void load();
  });
  prev.addEventListener('click', () => {
    state.cursors.pop();
    void load();
  });
  // Live: the first page reloads on a change (a new execution goes on top); other pages update rows in place.
  let pending: number | undefined;
  onChange = (change) => {
    operations.refresh();
    if (state.cursors.length === 0) {
      if (pending === undefined)
        pending = window.setTimeout(() => {
          pending = undefined;
          void load();
        }, 200);
      return;
    }
    const row = rows.querySelector(`tr[data-arn="${CSS.escape(change.executionArn)}"]`);
    if (row) {
      row.children[2]!.replaceChildren(badge(change.status));
      row.children[4]!.textContent = time(change.stopDate);
    }
  };
  await load();
  document.body.dataset['readyAt'] = String(performance.now());
  document.body.dataset['ready'] = 'list';
}

async function executionView(arn: string): Promise<void> {
  const header = h('div', { class: 'exec-head' });
  const graphBox = h('div', { class: 'graph-box' });
  const details = h('div', { class: 'details' });
  const timeline = h('ol', { class: 'timeline', 'data-testid': 'events' });
  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← All executions')),
    header,
    h(
      'div',
      { class: 'exec-body' },
      h('section', {}, h('h3', {}, 'Graph'), graphBox, legend()),
      h('section', {}, details),
    ),
    h('section', {}, h('h3', {}, 'Events'), timeline),
  );
  let current: ExecutionAnswer | undefined;
  const render = (a: ExecutionAnswer): void => {
    current = a;
    const e = a.execution;
    const actions: HTMLElement[] = [];
    if (e.status === 'RUNNING') {
      const stop = h('button', { class: 'danger', 'data-testid': 'stop' }, 'Stop');
      stop.addEventListener('click', () => {
        stop.disabled = true;
        api('stop', { executionArn: arn }).then(refresh, (err: Error) => alert(err.message));
      });
      actions.push(stop);
    }
    // The statuses RedriveExecution accepts; the runtime answers anything else as Step Functions does.
    if ((REDRIVABLE_STATUSES as readonly string[]).includes(e.status)) {
      const redrive = h('button', { 'data-testid': 'redrive' }, 'Redrive');
      redrive.addEventListener('click', () => {
        redrive.disabled = true;
        api('redrive', { executionArn: arn }).then(refresh, (err: Error) => alert(err.message));
      });
      actions.push(redrive);
    }
    header.replaceChildren(
      h('h2', {}, e.name, ' ', badge(e.status)),
      h('p', { class: 'arn' }, `${a.job ?? '?'} · ${e.executionArn}`),
      h(
        'p',
        {},
        `Started ${time(e.startDate)}`,
        e.stopDate ? ` · stopped ${time(e.stopDate)} (${((e.stopDate - e.startDate) / 1000).toFixed(2)} s)` : '',
      ),
      h('div', { class: 'actions' }, ...actions),
    );
    graphBox.replaceChildren(drawGraph(a.definition, stateStatuses(a.definition, a.events as never, e.status)));
    const block = (title: string, value: unknown, testid: string): HTMLElement[] =>
      value === undefined || value === null
        ? []
        : [h('h3', {}, title), h('pre', { 'data-testid': testid }, pretty(value))];
    details.replaceChildren(
      ...block('Input', e['input'], 'input'),
      ...block('Output', e['output'], 'output'),
      ...block('Error', e['error'], 'error'),
      ...block('Cause', e['cause'], 'cause'),
    );
    const t0 = e.startDate;
    timeline.replaceChildren(
      ...a.events.map((ev) => {
        const state = (ev['stateEnteredEventDetails'] ?? ev['stateExitedEventDetails']) as
          | { name?: string }
          | undefined;
        return h(
          'li',
          { class: `ev t-${ev.type}` },
          h('span', { class: 'ev-id' }, String(ev.id)),
          h('span', { class: 'ev-time' }, `+${((ev.timestamp - t0) / 1000).toFixed(3)} s`),
          h('span', { class: 'ev-type' }, ev.type),
          h('span', { class: 'ev-state' }, state?.name ?? ''),
        );
      }),
    );
  };
  const refresh = async (): Promise<void> => {
    render(await api<ExecutionAnswer>(`execution?arn=${encodeURIComponent(arn)}`));
  };
  onChange = (change) => {
    if (change.executionArn === arn) void refresh();
  };
  // States change without a status change: while the execution runs, its history is read each second.
  viewTimers.push(
    window.setInterval(() => void (current?.execution.status === 'RUNNING' ? refresh() : undefined), 1000),
  );
  await refresh();
  document.body.dataset['readyAt'] = String(performance.now());
  document.body.dataset['ready'] = 'execution';
}

function legend(): HTMLElement {
  const items: [StateStatus, string][] = [
    ['running', 'running'],
    ['succeeded', 'succeeded'],
    ['failed', 'failed'],
    ['caught', 'caught'],
    ['not-reached', 'not reached'],
  ];
  return h(
    'ul',
    { class: 'legend' },
    ...items.map(([s, label]) => h('li', {}, h('span', { class: `swatch st-${s}` }), label)),
  );
}

function pretty(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

function route(): void {
  for (const t of viewTimers) clearInterval(t);
  viewTimers = [];
  onChange = () => undefined;
  delete document.body.dataset['ready'];
  const m = /^#\/execution\/(.+)$/.exec(location.hash);
  const view = m ? executionView(decodeURIComponent(m[1]!)) : listView();
  view.catch((err: Error) => main.replaceChildren(h('p', { class: 'problem', role: 'alert' }, err.message)));
}

const events = new EventSource(`${API}events`);
events.addEventListener('message', (m: MessageEvent<string>) => onChange(JSON.parse(m.data) as ExecutionSummary));
window.addEventListener('hashchange', route);
route();
