import { InternalServerErrorException } from '@nestjs/common';

/** A model that streams its first token, then fails: the error after the first chunk. */
export class FailingModel {
  async *generate(): AsyncGenerator<string> {
    yield 'Hel';
    throw new InternalServerErrorException('the model went away');
  }
}
