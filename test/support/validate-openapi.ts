import { execFileSync } from 'node:child_process';

/**
 * Validates an OpenAPI document, in a child process (both validators are loaded in ways
 * jest's module loader cannot follow on Node 20): 3.0 and 3.1 with
 * @apidevtools/swagger-parser, which also resolves every $ref; 3.2, which it does not
 * know, against the OpenAPI Initiative's 3.2 JSON Schema (`schema-base`: Schema Objects
 * checked against the 3.2 dialect) as @hyperjump/json-schema ships it. Throws the
 * validator's message on an invalid document.
 */
export function validateOpenApi(document: { openapi: string }): void {
  const script = `
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk)).on('end', async () => {
      const document = JSON.parse(input);
      try {
        if (document.openapi.startsWith('3.2')) {
          const { validate } = await import('@hyperjump/json-schema/openapi-3-2');
          const { BASIC } = await import('@hyperjump/json-schema/experimental');
          const output = await validate('https://spec.openapis.org/oas/3.2/schema-base', document, BASIC);
          if (!output.valid) throw new Error(JSON.stringify(output.errors.slice(0, 10), null, 1));
        } else {
          const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
          await SwaggerParser.validate(document);
        }
      } catch (error) {
        console.error(error.message);
        process.exit(1);
      }
    });
  `;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      input: JSON.stringify(document),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
  } catch (error) {
    throw new Error(
      `invalid OpenAPI ${document.openapi} document: ${(error as { stderr?: Buffer }).stderr}`,
    );
  }
}
