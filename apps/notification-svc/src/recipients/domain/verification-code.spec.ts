import { codeMatches, newCode, sealCode } from './verification-code.js';

const BINDING = 'patient:u1:sms:+4915112345678';

describe('verification codes', () => {
  it('are six random digits, leading zeros kept', () => {
    const codes = Array.from({ length: 200 }, () => newCode());
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(190); // a million values: repeats in 200 draws are rare
  });

  it('are stored only as a salted hash, which the code and nothing else matches', async () => {
    const sealed = await sealCode('042917', BINDING);
    expect(JSON.stringify(sealed)).not.toContain('042917');
    expect(await codeMatches('042917', sealed, BINDING)).toBe(true);
    expect(await codeMatches('042918', sealed, BINDING)).toBe(false);
    expect(await codeMatches('42917', sealed, BINDING)).toBe(false);
    const again = await sealCode('042917', BINDING);
    expect(again.salt).not.toBe(sealed.salt);
    expect(again.hash).not.toBe(sealed.hash);
  });

  it('match only the contact they were sent to: another person, channel or address does not verify with them', async () => {
    const sealed = await sealCode('123456', BINDING);
    for (const other of ['patient:u2:sms:+4915112345678', 'patient:u1:email:+4915112345678', 'patient:u1:sms:+4915100000000'])
      expect(await codeMatches('123456', sealed, other)).toBe(false);
  });
});
