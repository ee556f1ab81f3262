import type {
  JSONRPCErrorResponse,
  JSONRPCResultResponse,
} from '@modelcontextprotocol/sdk/types.js';

export type JsonRpcId = string | number;

/** A JSON-RPC 2.0 message as a client posts it: a request, a notification or a response. */
export interface JsonRpcMessage {
  jsonrpc: '2.0';
  id?: JsonRpcId;
  method?: string;
  params?: Record<string, unknown> & { _meta?: { progressToken?: JsonRpcId } };
}

export function jsonRpcResult<T extends JSONRPCResultResponse['result']>(
  id: JsonRpcId,
  result: T,
): JSONRPCResultResponse {
  return { jsonrpc: '2.0', id, result };
}

/** An error answer; without `id` when the request's could not be read. */
export function jsonRpcError(
  id: JsonRpcId | undefined,
  code: number,
  message: unknown,
): JSONRPCErrorResponse {
  return { jsonrpc: '2.0', id, error: { code, message: String(message) } };
}
