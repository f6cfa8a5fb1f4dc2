import { appendPath } from '../../json/json-path';

/**
 * Paths, below `basePath`, of every occurrence of property `key` in a JSON
 * document. With `value`, only occurrences whose value is that string (or an array holding it;
 * then the element's path) count. Unless `key` is `@context`, the inside of `@context` values is
 * skipped. JSON-LD reports a dropped term or a relative reference without saying where; this
 * puts the place back.
 */
export function locateProperty(document: unknown, key: string, basePath: string, value?: string): string[] {
  const paths: string[] = [];
  const pending: Array<{ node: unknown; path: string }> = [{ node: document, path: basePath }];
  while (pending.length > 0) {
    const { node, path } = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const entries: Array<[string | number, unknown]> = Array.isArray(node)
      ? node.map((item, index): [number, unknown] => [index, item])
      : Object.entries(node as Record<string, unknown>);
    const children: Array<{ node: unknown; path: string }> = [];
    for (const [property, child] of entries) {
      const childPath = appendPath(path, property);
      if (property === key) {
        if (value === undefined || child === value) paths.push(childPath);
        else if (Array.isArray(child)) {
          child.forEach((item, index) => {
            if (item === value) paths.push(appendPath(childPath, index));
          });
        }
      }
      if (property !== '@context') children.push({ node: child, path: childPath });
    }
    for (let i = children.length - 1; i >= 0; i -= 1) pending.push(children[i]);
  }
  return paths;
}
