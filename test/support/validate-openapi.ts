import { execFileSync } from 'node:child_process';

/**
 * Validates an OpenAPI document with @apidevtools/swagger-parser, in a child process:
 * it require()s an ES module, which jest's loader cannot do on Node 20. Throws the
 * validator's message on an invalid document.
 */
export function validateOpenApi(document: object): void {
  const script = `
    const SwaggerParser = require('@apidevtools/swagger-parser');
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk)).on('end', () =>
      SwaggerParser.validate(JSON.parse(input)).then(() => process.exit(0), (error) => { console.error(error.message); process.exit(1); }));
  `;
  execFileSync(process.execPath, ['-e', script], {
    input: JSON.stringify(document),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}
