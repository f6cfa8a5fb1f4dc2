import { genericPath, loggedPath, serializeRequest } from './http-logging';

describe('request paths as logged', () => {
  it('is the matched route pattern with its base URL, not the concrete path', () => {
    const req = {
      id: 'r1',
      method: 'GET',
      url: '/admin/learners/S0000001/wallets?x=1',
      baseUrl: '',
      route: { path: '/admin/learners/:learnerId/wallets' },
    };
    expect(serializeRequest(req)).toEqual({
      id: 'r1',
      method: 'GET',
      path: '/admin/learners/:learnerId/wallets',
    });
    expect(loggedPath({ url: '/api/v/S1', baseUrl: '/api', route: { path: '/v/:id' } })).toBe('/api/v/:id');
  });

  it('replaces every segment after the first two by :param when no route matched', () => {
    expect(loggedPath({ url: '/admin/learners/S0000001/x?email=a@b' })).toBe('/admin/learners/:param/:param');
    // Nest's middleware catch-all is no route: the generic path, from the original URL.
    expect(
      loggedPath({ url: '/S0000001', originalUrl: '/admin/queues/S0000001', route: { path: '/{*path}' } }),
    ).toBe('/admin/queues/:param');
  });

  it('keeps short paths, the root and trailing slashes as they are', () => {
    expect(genericPath('/')).toBe('/');
    expect(genericPath('/health')).toBe('/health');
    expect(genericPath('/admin/runs')).toBe('/admin/runs');
    expect(genericPath('/admin/runs/')).toBe('/admin/runs/');
    expect(genericPath('/admin/runs/R1/')).toBe('/admin/runs/:param/');
    expect(loggedPath({})).toBe('');
  });
});
