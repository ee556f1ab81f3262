import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  ErrorCode,
  McpError,
  type CallToolResult,
  type JSONRPCMessage,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { EventStreamModule } from 'nestjs-event-stream';
import type { Server, Socket } from 'node:net';
import { McpController } from '../../sample/mcp.controller.js';
import { McpTools, type ReportProgress } from '../../sample/mcp-tools.js';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { fetchRaw } from '../support/http.js';

/** The sample's tools, with each test's own script for `tools/call`. */
class ScriptedTools extends McpTools {
  script?: (report: ReportProgress) => Promise<CallToolResult>;

  override call(name: string, args: Record<string, unknown>, report: ReportProgress) {
    return this.script ? this.script(report) : super.call(name, args, report);
  }
}

interface Exchange {
  method: string;
  status: number;
  contentType: string | null;
  lastEventId: string | null;
}

/** A connected SDK client, the HTTP exchanges of its transport and the messages it got. */
async function connectClient(t: TestApp) {
  const exchanges: Exchange[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
    // Reconnect at once: the test drops sockets on purpose.
    reconnectionOptions: {
      initialReconnectionDelay: 1,
      maxReconnectionDelay: 1,
      reconnectionDelayGrowFactor: 1,
      maxRetries: 2,
    },
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      exchanges.push({
        method: init?.method ?? 'GET',
        status: response.status,
        contentType: response.headers.get('content-type'),
        lastEventId: new Headers(init?.headers).get('last-event-id'),
      });
      return response;
    },
  });
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(transport);
  const received: JSONRPCMessage[] = [];
  const deliver = transport.onmessage!;
  transport.onmessage = (message: JSONRPCMessage) => {
    received.push(message);
    deliver(message);
  };
  return { client, transport, exchanges, received };
}

const countTo2 = { name: 'count', arguments: { to: 2 } };

/** A count to 2 that waits for `resume` between its steps, then answers `text`. */
function countPausedUntil(resume: Promise<void>, text: string) {
  return async (report: ReportProgress): Promise<CallToolResult> => {
    await report(1, 2);
    await resume;
    await report(2, 2);
    return { content: [{ type: 'text', text }] };
  };
}

describe.each(ADAPTERS)(`the MCP SDK client against McpController (%s, ${NEST})`, (adapter) => {
  let t: TestApp;
  const tools = new ScriptedTools();
  const sockets = new Set<Socket>();
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startApp(
      {
        imports: [EventStreamModule.forRoot()],
        controllers: [McpController],
        providers: [{ provide: McpTools, useValue: tools }],
      },
      { adapter },
    );
    (t.app.getHttpServer() as Server).on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  });
  afterEach(async () => {
    tools.script = undefined;
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(() => t.app.close());

  async function connected() {
    const session = await connectClient(t);
    clients.push(session.client);
    return session;
  }

  it('connects: initialize answered as JSON with an Mcp-Session-Id, the notification with 202', async () => {
    const { client, transport, exchanges } = await connected();
    expect(client.getServerVersion()).toEqual({
      name: 'nestjs-event-stream-sample',
      version: '1.0.0',
    });
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(exchanges.slice(0, 2)).toEqual([
      {
        method: 'POST',
        status: 200,
        contentType: expect.stringMatching(/^application\/json/),
        lastEventId: null,
      },
      { method: 'POST', status: 202, contentType: null, lastEventId: null },
    ]);
  });

  it('lists the tools as JSON', async () => {
    const { client } = await connected();
    const { tools: listed } = await client.listTools();
    expect(listed.map((tool) => tool.name)).toEqual(['count']);
  });

  it('streams a tool call: two progress notifications, then the result, every event with an id', async () => {
    const { client, exchanges } = await connected();
    const progress: Progress[] = [];
    const eventIds: string[] = [];
    const result = await client.callTool(countTo2, undefined, {
      onprogress: (update) => progress.push(update),
      onresumptiontoken: (eventId) => eventIds.push(eventId),
    });
    expect(progress).toEqual([
      { progress: 1, total: 2 },
      { progress: 2, total: 2 },
    ]);
    expect(result.content).toEqual([{ type: 'text', text: 'Counted to 2.' }]);
    expect(eventIds).toHaveLength(3);
    expect(new Set(eventIds.map((eventId) => eventId.split('/')[0])).size).toBe(1);
    // initialize, the notification, the GET that asks for a standalone stream (405), the call.
    expect(exchanges.filter((exchange) => exchange.method === 'POST').at(-1)).toMatchObject({
      status: 200,
      contentType: 'text/event-stream; charset=utf-8',
    });
  });

  it('resumes a dropped tool-call stream with Last-Event-ID: the rest arrives, the result once', async () => {
    const { client, exchanges, received } = await connected();
    const dropped = new Deferred();
    tools.script = countPausedUntil(dropped.promise, 'after the drop');
    const progress: Progress[] = [];
    const result = await client.callTool(countTo2, undefined, {
      onprogress: (update) => {
        progress.push(update);
        if (update.progress !== 1) return;
        for (const socket of sockets) socket.destroy();
        dropped.resolve();
      },
    });
    expect(result.content).toEqual([{ type: 'text', text: 'after the drop' }]);
    expect(progress.map((update) => update.progress)).toEqual([1, 2]);
    expect(
      received.filter((message) => 'result' in message && 'content' in message.result),
    ).toHaveLength(1);
    const resumption = exchanges.find((exchange) => exchange.lastEventId !== null);
    expect(resumption).toMatchObject({ method: 'GET', status: 200 });
    expect(resumption?.lastEventId).toMatch(/^[\w-]+\/\d+-\d+$/);
  });

  it("lets another client resume a call by its resumption token (the SDK's resumptionToken)", async () => {
    const first = await connected();
    const progressed = new Deferred<string>();
    const released = new Deferred();
    tools.script = countPausedUntil(released.promise, 'resumed');
    const abandoned = first.client
      .callTool(countTo2, undefined, {
        onprogress: () => undefined,
        onresumptiontoken: (token) => progressed.resolve(token),
      })
      .catch((caught: unknown) => caught);
    const token = await progressed.promise;
    await first.client.close();
    expect(await abandoned).toBeInstanceOf(McpError);
    released.resolve();

    const second = await connected();
    const result = await second.client.request(
      { method: 'tools/call', params: countTo2 },
      CallToolResultSchema,
      { resumptionToken: token },
    );
    expect(result.content).toEqual([{ type: 'text', text: 'resumed' }]);
    expect(second.exchanges.find((exchange) => exchange.lastEventId === token)).toMatchObject({
      method: 'GET',
      status: 200,
    });
  });

  it('rejects callTool with the JSON-RPC error of a tool that fails after its first progress', async () => {
    const { client } = await connected();
    tools.script = async (report) => {
      await report(1, 2);
      throw new Error('disk on fire');
    };
    const progress: Progress[] = [];
    const error = await client
      .callTool(countTo2, undefined, {
        onprogress: (update) => progress.push(update),
        timeout: 10_000,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ code: ErrorCode.InternalError });
    expect((error as McpError).message).toBe('MCP error -32603: Internal server error');
    expect(progress).toHaveLength(1);
  });

  it('answers GET without Last-Event-ID with 405 (no standalone stream), a foreign one with 400', async () => {
    expect((await fetchRaw(`${t.url}/mcp`)).status).toBe(405);
    const foreign = await fetchRaw(`${t.url}/mcp`, { headers: { 'last-event-id': '42' } });
    expect(foreign.status).toBe(400);
  });

  it('answers a resumption of a stream it does not have with 204, not a stream that waits', async () => {
    const unknown = await fetchRaw(`${t.url}/mcp`, {
      headers: { 'last-event-id': '6f1c1a52-0c4e-4d7e-9a51-6a1d2b6c1f00/1-1' },
    });
    expect(unknown.status).toBe(204);
  });

  it('answers a tool that fails before its first event with an HTTP error, which callTool rejects with', async () => {
    const { client } = await connected();
    await expect(client.callTool({ name: 'count', arguments: { to: 0 } })).rejects.toThrow(
      /^Streamable HTTP error: Error POSTing to endpoint: .*must be an integer from 1 to 100, got 0.*400/,
    );
  });

  it.each([
    ['a batch', [{ jsonrpc: '2.0', id: 1, method: 'ping' }]],
    ['no JSON-RPC version', { id: 1, method: 'ping' }],
    ['no body', undefined],
  ])('answers %s with 400 and a JSON-RPC Invalid Request error', async (_case, body) => {
    const response = await fetchRaw(`${t.url}/mcp`, { method: 'POST', body });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
    });
  });

  it('answers an unknown method with a JSON-RPC error as JSON', async () => {
    const response = await fetchRaw(`${t.url}/mcp`, {
      method: 'POST',
      body: { jsonrpc: '2.0', id: 9, method: 'resources/list' },
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      jsonrpc: '2.0',
      id: 9,
      error: { code: -32601, message: 'Method not found: resources/list' },
    });
  });

  it('answers a call of an unknown tool with a JSON-RPC error as JSON', async () => {
    const { client } = await connected();
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: 'MCP error -32602: Unknown tool: nope',
    });
  });
});
