import { describe, expect, it } from '@jest/globals';
import { proxyFigures } from '../../field/rolling-restart/proxy-figures.js';

describe("rolling-restart proxy figures (from nginx's logs)", () => {
  it("counts one channel's requests by status, those passed on to another instance, and upstream errors", () => {
    const a = '127.0.0.1:3001';
    const b = '127.0.0.1:3002';
    const figures = proxyFigures(
      {
        access: [
          { uri: '/channels/one', status: 200, upstreams: [a] },
          { uri: '/channels/one', status: 200, upstreams: [a, b] },
          { uri: '/channels/one', status: 502, upstreams: [a] },
          { uri: '/channels/two', status: 200, upstreams: [b] },
          { uri: '/health', status: 200, upstreams: [b] },
        ],
        errors: [
          `2026/12/01 10:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET /channels/one HTTP/1.1", upstream: "http://${a}/channels/one", host: "127.0.0.1"`,
          `2026/12/01 10:00:01 [error] 7#7: *2 no live upstreams while connecting to upstream, client: 127.0.0.1, server: , request: "GET /channels/one HTTP/1.1", upstream: "http://app/channels/one", host: "127.0.0.1"`,
          `2026/12/01 10:00:02 [error] 7#7: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET /channels/two HTTP/1.1", upstream: "http://${b}/channels/two", host: "127.0.0.1"`,
          '2026/12/01 10:00:03 [notice] 7#7: signal process started',
        ].join('\n'),
      },
      'one',
    );
    expect(figures).toEqual({
      requests: 3,
      statuses: { 200: 2, 502: 1 },
      passedOn: 1,
      upstreamErrors: { 'connect() failed': 1, 'no live upstreams': 1 },
    });
  });
});
