const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

/**
 * The portal's Content-Security-Policy: nothing but this origin's own files run, style or load, no
 * inline script or style, no framing. The live-update WebSocket is named explicitly for browsers
 * whose 'self' does not cover ws(s): of the same host; the host is only echoed when it is a plain
 * host[:port].
 */
export function portalCsp(host: string | undefined): string {
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
