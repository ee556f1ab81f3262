import { createApp } from './app.js';

const app = await createApp();
const port = Number(process.env.PORT ?? 3000);
await app.listen(port);
console.log(`nestjs-event-stream sample: http://localhost:${port} (Swagger UI: /docs)`);
