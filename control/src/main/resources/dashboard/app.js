// Quiver's dashboard: follows /v1/events (a "stats" event every second, an "audit" event per record), computes rates
// from consecutive totals and charts the last minutes. Everything it keeps is bounded (the chart windows, the audit
// feed, one table row per port or VNIC), so a page left open does not grow.
'use strict';

const WINDOW_SECONDS = 300;
const CHARTED_VNICS = 8;
const AUDIT_KEPT = 100;

const token = new URLSearchParams(location.search).get('access_token');
const events = new EventSource('/v1/events' + (token ? '?access_token=' + encodeURIComponent(token) : ''));
let previous = null;
/** The last audit record shown: a reconnected stream sends its recent records again. */
let lastAudit = 0;
/** Rows by table and name (not looked up by id: a name may contain what an id is made of). */
const rows = new Map();

const portChart = timeChart('port-chart', 'packets/s received');
const vnicChart = timeChart('vnic-chart', 'packets/s delivered');

events.addEventListener('open', () => status('live', 'live'));
events.addEventListener('error', () => status('lost', 'reconnecting…'));
events.addEventListener('stats', e => onStats(JSON.parse(e.data)));
events.addEventListener('audit', e => onAudit(JSON.parse(e.data)));

function status(cls, text) {
  const s = document.getElementById('status');
  s.className = 'status ' + cls;
  s.textContent = text;
}

function onStats(s) {
  const now = Date.now() / 1000;
  const dt = previous ? Math.max(0.001, now - previous.at) : 0;
  const rate = (cur, old) => (previous && old !== undefined ? Math.max(0, (cur - old) / dt) : 0);
  const before = previous || { ports: {}, vnics: {}, drops: {}, guests: {} };
  const next = { at: now, ports: {}, vnics: {}, drops: {}, guests: {} };

  const portRates = [];
  for (const p of s.ports) {
    const old = before.ports[p.name] || {};
    const rx = rate(p.rxPackets, old.rx), tx = rate(p.txPackets, old.tx);
    next.ports[p.name] = { rx: p.rxPackets, tx: p.txPackets };
    portRates.push([p.name, rx]);
    row('ports', 'port', p.name, [p.name, p.role, p.linkUp ? 'up' : 'down', fmt(rx), fmt(tx),
      p.rxPackets, p.txPackets, p.dropped], ['name', 'role', 'link', 'rx-rate', 'tx-rate', 'rx', 'tx', 'dropped']);
    for (const [reason, n] of Object.entries(p.drops)) {
      next.drops[reason] = (next.drops[reason] || 0) + n;
    }
  }
  prune('ports', s.ports.map(p => p.name));

  const vnicRates = [];
  for (const v of s.vnics) {
    const c = v.counters;
    const old = before.vnics[v.name] || {};
    const rx = rate(c.rxPackets, old.rx), tx = rate(c.txPackets, old.tx);
    const dropped = Object.values(c.drops).reduce((a, b) => a + b, 0);
    next.vnics[v.name] = { rx: c.rxPackets, tx: c.txPackets };
    vnicRates.push([v.name, rx]);
    row('vnics', 'vnic', v.name, [v.name, v.port, fmt(rx), fmt(tx), c.rxPackets, c.txPackets, c.forwarded, dropped],
      ['name', 'port', 'rx-rate', 'tx-rate', 'rx', 'tx', 'forwarded', 'dropped']);
    for (const [reason, n] of Object.entries(c.drops)) {
      next.drops[reason] = (next.drops[reason] || 0) + n;
    }
  }
  prune('vnics', s.vnics.map(v => v.name));

  for (const [reason, n] of Object.entries(next.drops)) {
    row('drops', 'drop', reason, [reason, fmt(rate(n, before.drops[reason])), n], ['name', 'rate', 'total']);
  }
  prune('drops', Object.keys(next.drops));

  const guests = { accepted: s.guestRequestsAccepted, denied: s.guestRequestsDenied,
    'rate-limited': s.guestRequestsRateLimited, malformed: s.guestRequestsMalformed };
  for (const [what, n] of Object.entries(guests)) {
    next.guests[what] = n;
    row('guest-requests', 'guest', what, [what, fmt(rate(n, before.guests[what])), n], ['name', 'rate', 'total']);
  }

  section('vns-section', s.vnses.length > 0);
  for (const v of s.vnses) {
    row('vnses', 'vns', v.name, [v.name, v.routerMac, v.routes, v.neighbours], ['name', 'mac', 'routes', 'neighbours']);
  }
  prune('vnses', s.vnses.map(v => v.name));
  section('aggr-section', s.aggregations.length > 0);
  for (const a of s.aggregations) {
    row('aggregations', 'aggr', a.name, [a.name, a.ports.join(', ') + ' (' + a.mode + (a.activePort ? ', active ' + a.activePort : '')
      + ', carrying ' + a.carrying + ')'], ['name', 'members']);
  }
  prune('aggregations', s.aggregations.map(a => a.name));
  section('conn-section', s.connections > 0 || s.subscriptions.length > 0 || s.flows.length > 0);
  text('connections', s.connections);
  text('connections-refused', s.connectionsRefused);
  text('subscriptions', s.subscriptions.length);
  text('flows', s.flows.length);

  if (previous) {
    portChart.add(now, portRates);
    // the first VNICs by name: a fixed set, so the chart keeps its history (the table shows every VNIC)
    vnicChart.add(now, vnicRates.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, CHARTED_VNICS));
  }
  previous = next;
  text('updated', 'updated ' + new Date().toLocaleTimeString());
}

function onAudit(a) {
  if (a.sequence <= lastAudit) {
    return;
  }
  lastAudit = a.sequence;
  const feed = document.getElementById('audit');
  const li = document.createElement('li');
  li.id = 'audit-' + a.sequence;
  if (!a.committed) {
    li.className = 'denied';
  }
  li.textContent = `${a.time} ${a.requester} ${a.action} ${a.vnic || ''} ${a.parameter || ''}=${a.value || ''}`
    + (a.committed ? '' : ` denied: ${a.denial || ''} ${a.reason || ''}`);
  feed.prepend(li);
  while (feed.children.length > AUDIT_KEPT) {
    feed.lastElementChild.remove();
  }
}

/** A table row per name, made once and updated in place; each cell has an id: KIND-FIELD-NAME. */
function row(table, kind, name, values, fields) {
  const body = document.querySelector('#' + table + ' tbody');
  let byName = rows.get(table);
  if (!byName) {
    byName = new Map();
    rows.set(table, byName);
  }
  let tr = byName.get(name);
  if (!tr) {
    tr = document.createElement('tr');
    tr.id = kind + '-' + name;
    for (const f of fields) {
      const td = document.createElement('td');
      td.id = kind + '-' + f + '-' + name;
      tr.appendChild(td);
    }
    body.appendChild(tr);
    byName.set(name, tr);
  }
  values.forEach((v, i) => {
    const td = tr.children[i];
    const t = String(v);
    if (td.textContent !== t) {
      td.textContent = t;
    }
  });
}

/** Removes the rows of names no longer there (a deleted VNIC). */
function prune(table, names) {
  const keep = new Set(names);
  const byName = rows.get(table);
  if (!byName) {
    return;
  }
  for (const [name, tr] of Array.from(byName.entries())) {
    if (!keep.has(name)) {
      tr.remove();
      byName.delete(name);
    }
  }
}

function section(id, shown) {
  document.getElementById(id).hidden = !shown;
}

function text(id, v) {
  document.getElementById(id).textContent = String(v);
}

function fmt(n) {
  return n >= 1e6 ? (n / 1e6).toFixed(2) + 'M' : n >= 1e3 ? (n / 1e3).toFixed(1) + 'k' : n.toFixed(0);
}

/**
 * A chart of named series over the last WINDOW_SECONDS: the timestamps and one array per series, each trimmed to the
 * window; the uPlot instance is made again only when the set of series changes.
 */
function timeChart(element, label) {
  const el = document.getElementById(element);
  let plot = null;
  let names = [];
  const data = [[]];
  return {
    add(t, pairs) {
      const now = pairs.map(p => p[0]);
      if (now.join('\u0000') !== names.join('\u0000')) {
        names = now;
        data.length = 1;
        data[0].length = 0;
        names.forEach(() => data.push([]));
        if (plot) {
          plot.destroy();
        }
        plot = new uPlot({
          width: Math.max(400, el.clientWidth || 800), height: 200,
          scales: { x: { time: true } },
          axes: [{}, { label }],
          series: [{}].concat(names.map((n, i) => ({ label: n, stroke: `hsl(${(i * 67) % 360} 60% 40%)`, width: 1.5 }))),
        }, data, el);
      }
      data[0].push(t);
      pairs.forEach((p, i) => data[i + 1].push(p[1]));
      while (data[0].length > 0 && data[0][0] < t - WINDOW_SECONDS) {
        data.forEach(a => a.shift());
      }
      plot.setData(data);
    },
  };
}
