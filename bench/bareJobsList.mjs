// The staff jobs list's database work on a bare page (bench/pages.ts): Express + pg + Eta as the fortunes page
// (../shared/bench/fortunes/server.mjs) has them, running the two statements our jobs list runs (the session with
// its staff member, permissions and badge; the list's first page, 51 rows) and rendering its 50 rows, escaped.
// No sessions, CSRF, helmet, logging, i18n or router groups: what is left of our page's cost is theirs.
// Env: DATABASE_URL, PORT, SESSION_STATEMENT and LIST_STATEMENT ({ "text": ..., "values": [...] } as JSON).
import express from 'express';
import pg from 'pg';
import { Eta } from 'eta';

const { DATABASE_URL, PORT, SESSION_STATEMENT, LIST_STATEMENT } = process.env;
const session = { name: 'bare-session', ...JSON.parse(SESSION_STATEMENT) };
const list = { name: 'bare-list', ...JSON.parse(LIST_STATEMENT) };
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
const eta = new Eta({ autoEscape: true, cache: true });
const page = eta.compile(`<!DOCTYPE html><html><head><title>Jobs</title></head><body><h1>Jobs</h1><p><%= it.staff %></p><table>
<tr><th>Job</th><th>Customer</th><th>Vehicle</th><th>Location</th><th>Estimate</th><th>Photos</th></tr>
<% for (const j of it.jobs) { %><tr><td><a href="/staff/jobs/<%= j.job_number %>"><%= j.job_number %></a></td><td><%= j.first_name %> <%= j.last_name %></td><td><%= j.plate %> <%= j.make %> <%= j.model %></td><td><%= j.location_name %></td><td><%= j.estimate_at ? j.estimate_at.toISOString() : '' %></td><td><%= j.photo_count %></td></tr>
<% } %></table><a href="/staff/jobs?before=<%= it.next %>">Older</a></body></html>`);

const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.get('/jobs', async (_req, res) => {
  const [{ rows: [staff] }, { rows }] = [await pool.query(session), await pool.query(list)];
  if (!staff?.name) return res.status(500).send('the session statement found no staff member');
  res.type('html').send(eta.render(page, { staff: staff.name, jobs: rows.slice(0, 50), next: rows[50]?.cursor_at }));
});
const server = app.listen(Number(PORT), '127.0.0.1', () => console.log('listening'));
const stop = () => server.close(() => pool.end().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
