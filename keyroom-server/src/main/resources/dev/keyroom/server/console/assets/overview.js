// The overview: the node's posture, counts, and the last hour of its charts, refreshed every 5 s.

import { get } from './api.js';
import { barChart, lineChart } from './charts.js';
import { badge, bytes, clear, duration, el, section } from './dom.js';

const rate = (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(1)) + '/s';
const count = (v) => String(Math.round(v));
const seconds = (v) => `${v.toFixed(1)} s`;

function facts(o) {
  const p = o.posture;
  const row = (k, ...v) => el('div', { class: 'fact' }, el('dt', null, k), el('dd', null, ...v));
  return el('dl', { class: 'facts' },
    row('Version', o.version),
    row('Up for', duration(o.uptime_seconds)),
    row('Authentication', badge(p.auth, p.auth === 'enforce' ? 'good' : 'bad')),
    row('TLS', badge(p.tls ? 'on' : 'off', p.tls ? 'good' : 'bad')),
    row('Store', p.store),
    row('Cluster', p.cluster ? `${o.cluster_servers.length} NATS servers` : 'single node'),
    ...(p.cluster ? [row('Servers', el('span', { class: 'mono' }, o.cluster_servers.join(', ')))] : []),
    row('Site role', badge(o.site.role, 'neutral'), ` epoch ${o.site.epoch}`),
    ...(o.site.primary ? [row('Primary', el('span', { class: 'mono' }, o.site.primary))] : []),
    row('Rooms', p.require_encrypted_rooms ? 'encrypted only' : 'cleartext allowed'));
}

function tiles(c) {
  const tile = (label, value, kind) => el('div', { class: `tile ${kind ?? ''}` },
    el('span', { class: 'value' }, String(value)), el('span', { class: 'label' }, label));
  return el('div', { class: 'tiles' },
    tile('users', c.users),
    tile('active admins', c.admins),
    tile('agents', c.agents),
    tile('locked', c.locked, c.locked > 0 ? 'warn' : ''),
    tile('revoked', c.revoked),
    tile('rooms', c.rooms),
    tile('need a rekey', c.rekey_required, c.rekey_required > 0 ? 'warn' : ''),
    tile('bans', c.bans, c.bans > 0 ? 'warn' : ''),
    tile('audit entries', c.audit_entries),
    tile('console sessions', c.console_sessions));
}

function charts(o) {
  const points = o.series.points;
  const out = [
    lineChart({
      id: 'chart-requests',
      title: 'Requests per second, by outcome',
      points,
      format: rate,
      floor: 1,
      lines: [
        { key: 'ok', label: 'ok', cls: 's-ok', format: rate },
        { key: 'denied', label: 'denied', cls: 's-denied', format: rate },
        { key: 'limited', label: 'limited', cls: 's-limited', format: rate },
        { key: 'invalid', label: 'invalid', cls: 's-invalid', format: rate },
        { key: 'error', label: 'error', cls: 's-error', format: rate },
      ],
    }),
    barChart({
      id: 'chart-denials',
      title: 'Denials and refusals over time',
      points,
      format: rate,
      floor: 1,
      bars: [
        { key: 'denied', label: 'denied (401, 403)', cls: 's-denied', format: rate },
        { key: 'limited', label: 'limited (429, 503)', cls: 's-limited', format: rate },
      ],
    }),
    lineChart({
      id: 'chart-inflight',
      title: `In-flight budget in use (of ${bytes(points[points.length - 1].inflight_capacity)})`,
      points,
      format: bytes,
      floor: 1024 * 1024,
      lines: [{ key: 'inflight_bytes', label: 'reserved', cls: 's-budget', format: bytes }],
    }),
    lineChart({
      id: 'chart-sessions',
      title: 'Data-plane sessions',
      points,
      format: count,
      floor: 2,
      lines: [{ key: 'bus_sessions', label: 'sessions', cls: 's-sessions', format: count }],
    }),
  ];
  if (points.some((p) => p.lag_seconds !== null && p.lag_seconds !== undefined)) {
    out.push(lineChart({
      id: 'chart-lag',
      title: "The backup's lag (oldest change not yet acknowledged)",
      points,
      format: seconds,
      floor: 1,
      lines: [{ key: 'lag_seconds', label: 'lag', cls: 's-lag', format: seconds }],
    }));
  }
  return el('div', { class: 'charts' }, out);
}

export async function render(main) {
  const body = el('div', { class: 'overview' });
  main.append(el('h1', null, 'Overview'), body);
  const draw = async () => {
    const o = await get('/console/api/overview');
    clear(body).append(
      el('div', { class: 'columns' }, section('Posture', facts(o)), section('Counts', tiles(o.counts))),
      section('The last hour', charts(o)));
  };
  await draw();
  const timer = setInterval(() => draw().catch(() => {}), 5000);
  return () => clearInterval(timer);
}
