import { BadRequestException, Injectable } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** Reports a tool's progress to its caller: `progress` steps of `total` done. */
export type ReportProgress = (progress: number, total: number) => Promise<void>;

/** The MCP server's tools: what `tools/list` shows and `tools/call` runs. */
@Injectable()
export class McpTools {
  readonly list: Tool[] = [
    {
      name: 'count',
      description: 'Counts to `to`, slowly, reporting each step as progress.',
      inputSchema: {
        type: 'object',
        properties: { to: { type: 'integer', minimum: 1, maximum: 100 } },
        required: ['to'],
      },
    },
  ];

  has(name: unknown): boolean {
    return this.list.some((tool) => tool.name === name);
  }

  async call(
    _name: string,
    args: Record<string, unknown>,
    report: ReportProgress,
  ): Promise<CallToolResult> {
    const { to } = args;
    if (typeof to !== 'number' || !Number.isInteger(to) || to < 1 || to > 100) {
      throw new BadRequestException(
        `count: "to" must be an integer from 1 to 100, got ${String(to)}`,
      );
    }
    for (let step = 1; step <= to; step++) {
      await sleep(100);
      await report(step, to);
    }
    return { content: [{ type: 'text', text: `Counted to ${to}.` }] };
  }
}
