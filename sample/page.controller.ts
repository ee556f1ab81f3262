import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// eventsource-parser's ES module build, served to the page as it is.
const parserDirectory = dirname(createRequire(import.meta.url).resolve('eventsource-parser'));
const pageFile = join(import.meta.dirname, 'public', 'index.html');

@ApiExcludeController()
@Controller()
export class PageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): Promise<string> {
    return readFile(pageFile, 'utf8');
  }

  @Get('vendor/eventsource-parser/:file')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  parser(@Param('file') file: string): Promise<string> {
    if (!/^[\w-]+\.js$/.test(file)) throw new NotFoundException();
    return readFile(join(parserDirectory, file), 'utf8').catch(() => {
      throw new NotFoundException();
    });
  }
}
