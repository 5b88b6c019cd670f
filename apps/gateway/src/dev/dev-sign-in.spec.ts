import 'reflect-metadata';
import { GatewayConfig } from '../config/gateway.config.js';
import { devSignInEnabled } from './dev-sign-in.controller.js';

const config = (settings: Partial<GatewayConfig>) =>
  Object.assign(new GatewayConfig(), { JWT_SECRET: 'Qw8eR4tY2uI6oP0aS9dF3gH7jK1lZ5xC', DEV_SIGN_IN: true, ...settings });

describe('development sign-in', () => {
  it('exists only when switched on (DEV_SIGN_IN), outside production, and only where the gateway holds the signing key', () => {
    expect(devSignInEnabled(config({ DEV_SIGN_IN: false }), { NODE_ENV: 'development' })).toBe(false);
    expect(new GatewayConfig().DEV_SIGN_IN).toBe(false);
    expect(devSignInEnabled(config({}), { NODE_ENV: 'development' })).toBe(true);
    expect(devSignInEnabled(config({}), {})).toBe(true);
    expect(devSignInEnabled(config({}), { NODE_ENV: 'production' })).toBe(false);
    expect(devSignInEnabled(config({}), { NODE_ENV: 'production', ALLOW_DEVELOPMENT_SECRETS: 'true' })).toBe(false);
    expect(devSignInEnabled(config({ JWT_JWKS_URL: 'https://id.example.health/jwks' }), { NODE_ENV: 'development' })).toBe(false);
  });
});
