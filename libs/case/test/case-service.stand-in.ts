import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/** How the stand-in answers the next requests. */
export type StandInMode = 'ok' | 'http-500' | 'garbage' | 'hang' | 'huge' | 'wrong-shape';

interface PackageJson {
  CFDocument: { identifier: string; title: string; uri: string };
  CFItems: { identifier: string; [key: string]: unknown }[];
}

/**
 * A local stand-in of a CASE 1.0 service (node:http on 127.0.0.1, random port) serving one real
 * CFPackage: `GET /ims/case/v1p0/CFItems/{id}` (the item plus its `CFDocumentURI`, as `CFItem.Type`)
 * and `GET /ims/case/v1p0/CFPackages/{id}`. It counts requests and can misbehave on demand.
 */
export class CaseServiceStandIn {
  mode: StandInMode = 'ok';
  readonly requests: string[] = [];
  maxConcurrent = 0;
  private concurrent = 0;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly pkg: PackageJson) {}

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => this.handle(request, response));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Changes an item's statement, as an editor of the framework would. */
  editStatement(identifier: string, fullStatement: string): void {
    const item = this.pkg.CFItems.find((candidate) => candidate.identifier === identifier);
    if (item === undefined) throw new Error(`no item ${identifier}`);
    item.fullStatement = fullStatement;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '/';
    this.requests.push(url);
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    response.on('close', () => this.concurrent--);
    // Answer a little later so concurrent requests overlap.
    setTimeout(() => this.answer(url, response), 5);
  }

  private answer(url: string, response: ServerResponse): void {
    switch (this.mode) {
      case 'hang':
        this.hanging.add(response);
        return;
      case 'http-500':
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"imsx_codeMajor":"failure"}');
        return;
      case 'garbage':
        response.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json');
        return;
      case 'huge':
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(`"${'x'.repeat(4 * 1024 * 1024)}"`);
        return;
      case 'wrong-shape':
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"identifier":42}');
        return;
      case 'ok':
        break;
    }
    const item = /^\/ims\/case\/v1p0\/CFItems\/([^/?]+)$/.exec(url);
    if (item !== null) {
      const found = this.pkg.CFItems.find(
        (candidate) => candidate.identifier === decodeURIComponent(item[1]),
      );
      if (found === undefined) return this.notFound(response);
      const document = this.pkg.CFDocument;
      const body = {
        ...found,
        CFDocumentURI: { title: document.title, identifier: document.identifier, uri: document.uri },
      };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const pkg = /^\/ims\/case\/v1p0\/CFPackages\/([^/?]+)$/.exec(url);
    if (pkg !== null && decodeURIComponent(pkg[1]) === this.pkg.CFDocument.identifier) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.pkg));
      return;
    }
    this.notFound(response);
  }

  private notFound(response: ServerResponse): void {
    response
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"imsx_codeMajor":"failure","imsx_severity":"error"}');
  }
}
