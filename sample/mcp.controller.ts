import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpException,
  HttpStatus,
  Post,
  Res,
  type ExecutionContext,
} from '@nestjs/common';
import type { InitializeResult } from '@modelcontextprotocol/sdk/types.js';
import {
  EventHub,
  EventStream,
  HISTORY_LOST_EVENT,
  LastEventId,
  ServerSentEvent,
} from 'nestjs-event-stream';
import { randomUUID } from 'node:crypto';
import { startGeneration } from './generation.js';
import { jsonRpcError, jsonRpcResult, type JsonRpcId, type JsonRpcMessage } from './json-rpc.js';
import { McpTools } from './mcp-tools.js';

const PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'];
/** Event ids are `<stream>/<hub id>`: a GET with Last-Event-ID names the stream it resumes. */
const STREAM_EVENT_ID = /^([\w-]{1,100})\/(\d+-\d+)$/;

/** What a passthrough `@Res()` lets the method set, on Express and Fastify alike. */
interface ResponseHead {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

/**
 * An MCP server over Streamable HTTP, as one controller: POST /mcp takes one JSON-RPC
 * message and answers JSON, 202 or, for a tool call, an SSE stream of its progress and
 * result; GET /mcp with Last-Event-ID resumes a tool call's stream that was cut.
 */
@Controller('mcp')
export class McpController {
  constructor(
    private readonly hub: EventHub,
    private readonly tools: McpTools,
  ) {}

  @Post()
  @EventStream({
    // A failure after the first event: the JSON-RPC error of the request, by its id.
    errorEvent: (_error, { message }, context: ExecutionContext) =>
      new ServerSentEvent({
        data: jsonRpcError(
          context.switchToHttp().getRequest<{ body: JsonRpcMessage }>().body.id,
          -32603,
          message,
        ),
      }),
  })
  message(@Body() message: JsonRpcMessage, @Res({ passthrough: true }) res: ResponseHead) {
    if (message?.jsonrpc !== '2.0') {
      throw new BadRequestException(jsonRpcError(undefined, -32600, 'Invalid Request'));
    }
    const { id, method, params = {} } = message;
    if (id === undefined) {
      res.status(HttpStatus.ACCEPTED); // a notification (or a response): no body
      return undefined;
    }
    switch (method) {
      case 'initialize': {
        res.header('Mcp-Session-Id', randomUUID());
        const asked = String(params.protocolVersion);
        return jsonRpcResult<InitializeResult>(id, {
          protocolVersion: PROTOCOL_VERSIONS.includes(asked) ? asked : PROTOCOL_VERSIONS[0],
          capabilities: { tools: {} },
          serverInfo: { name: 'nestjs-event-stream-sample', version: '1.0.0' },
        });
      }
      case 'ping':
        return jsonRpcResult(id, {});
      case 'tools/list':
        return jsonRpcResult(id, { tools: this.tools.list });
      case 'tools/call':
        if (!this.tools.has(params.name)) {
          return jsonRpcError(id, -32602, `Unknown tool: ${String(params.name)}`);
        }
        return this.callTool(id, params);
      default:
        return jsonRpcError(id, -32601, `Method not found: ${String(method)}`);
    }
  }

  /** What a cut stream missed; 405 without Last-Event-ID (no stream of server requests). */
  @Get()
  @EventStream()
  resume(@LastEventId() lastEventId?: string) {
    if (lastEventId === undefined) {
      throw new HttpException('No standalone stream', HttpStatus.METHOD_NOT_ALLOWED);
    }
    const [, stream, eventId] = STREAM_EVENT_ID.exec(lastEventId) ?? [];
    if (!stream) throw new BadRequestException('Last-Event-ID is not one of this server');
    return this.replay(stream, eventId);
  }

  /** Runs the tool into a hub channel of its own, which outlives this request's socket. */
  private async *callTool(id: JsonRpcId, params: NonNullable<JsonRpcMessage['params']>) {
    const stream = randomUUID();
    const progressToken = params._meta?.progressToken;
    const generation = startGeneration(this.hub, `mcp:${stream}`, async (publish) => {
      const args = (params.arguments ?? {}) as Record<string, unknown>;
      const result = await this.tools.call(String(params.name), args, async (progress, total) => {
        if (progressToken === undefined) return;
        await publish({
          jsonrpc: '2.0',
          method: 'notifications/progress',
          params: { progressToken, progress, total },
        });
      });
      await publish(jsonRpcResult(id, result));
    });
    yield* this.replay(stream);
    await generation;
  }

  private async *replay(stream: string, lastEventId?: string) {
    const events = this.hub.subscribe(`mcp:${stream}`, {
      lastEventId,
      rewind: 'all',
      historyLostEvent: () => new ServerSentEvent({ event: HISTORY_LOST_EVENT }),
    });
    for await (const { id, event, data } of events) {
      // A stream this server no longer has (expired, or unknown): end it (204), not wait.
      if (event === HISTORY_LOST_EVENT) return;
      yield new ServerSentEvent({ id: `${stream}/${id}`, data });
    }
  }
}
