// better-sse on Express, used as its documentation shows: a session per request, a
// channel for broadcasts.
import { createChannel, createSession } from 'better-sse';
import { instanceToPlain } from 'class-transformer';
import express from 'express';
import {
  announce,
  cpuReport,
  EventDto,
  memoryReport,
  param,
  plainEvent,
  publishSeries,
} from './common.js';

const channel = createChannel();
const app = express();

app.get('/burst/:kind', async (req, res) => {
  const session = await createSession(req, res);
  const n = param(req.url, 'n', 200_000);
  const dto = req.params.kind === 'dto';
  for (let i = 0; i < n; i++) session.push(dto ? instanceToPlain(new EventDto(i)) : plainEvent(i));
  res.end();
});
app.get('/subscribe', async (req, res) => channel.register(await createSession(req, res)));
app.get('/publish', (req, res) => {
  publishSeries(param(req.url, 'count', 50), param(req.url, 'interval', 20), (k, t) =>
    channel.broadcast({ k, t }),
  );
  res.end('ok');
});
app.get('/memory', (_req, res) => res.json(memoryReport()));
app.get('/cpu', (_req, res) => res.json(cpuReport()));

const server = app.listen(0, '127.0.0.1', () => announce(server));
