#!/usr/bin/env bash
# Runs the e2e suite against NestJS 11: a copy of the repository whose @nestjs packages
# are the latest 11.x, installed in a scratch directory beside the real one.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scratch="$root/test-output/nest11"

rm -rf "$scratch"
mkdir -p "$scratch"
cp -r "$root/lib" "$root/test" "$root/sample" "$root/package.json" "$root/package-lock.json" "$root/tsconfig.json" "$root/jest.config.ts" "$scratch/"
cd "$scratch"
node -e '
  const fs = require("node:fs");
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
  Object.assign(pkg.devDependencies, {
    "@nestjs/common": "11.2.10",
    "@nestjs/core": "11.2.10",
    "@nestjs/platform-express": "11.2.10",
    "@nestjs/platform-fastify": "11.2.8",
    "@nestjs/testing": "11.2.6",
    "@nestjs/swagger": "11.4.0",
  });
  fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2));
'
npm install --no-audit --no-fund --loglevel=error
npm run jest -- test/stream test/hub test/hardening test/swagger test/sample test/clients test/browser/chat-resume.e2e.spec.ts
