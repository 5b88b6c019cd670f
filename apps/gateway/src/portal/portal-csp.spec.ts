import { portalCsp } from './portal-csp.js';

describe('portal CSP', () => {
  it('allows only the portal’s own origin, its WebSocket included, and echoes no host that is not a plain host[:port]', () => {
    expect(portalCsp('portal.example.health')).toContain("connect-src 'self' ws://portal.example.health wss://portal.example.health;");
    expect(portalCsp('127.0.0.1:3000')).toContain("connect-src 'self' ws://127.0.0.1:3000 wss://127.0.0.1:3000;");
    expect(portalCsp("evil.example; script-src 'unsafe-inline'")).toContain("connect-src 'self';");
    expect(portalCsp(undefined)).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self'; .*frame-ancestors 'none'$/);
  });
});
