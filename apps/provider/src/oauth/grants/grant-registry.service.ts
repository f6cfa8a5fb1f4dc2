import { Injectable } from '@nestjs/common';
import { type TokenGrantHandler } from './token-grant';

/** The grant types the token endpoint serves; grant modules register themselves at start-up. */
@Injectable()
export class GrantRegistry {
  private readonly handlers = new Map<string, TokenGrantHandler>();

  register(handler: TokenGrantHandler): void {
    if (this.handlers.has(handler.grantType)) {
      throw new Error(`Grant type ${handler.grantType} is registered twice`);
    }
    this.handlers.set(handler.grantType, handler);
  }

  find(grantType: string): TokenGrantHandler | undefined {
    return this.handlers.get(grantType);
  }

  get grantTypes(): string[] {
    return [...this.handlers.keys()];
  }
}
